using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Partisan.Membership;

/// <summary>
/// Asks Orleans to read its membership table again at once after this silo's process stood still long enough for the
/// other silos to give up on it (SIGSTOP then SIGCONT, a paused virtual machine, a very long garbage collection): if
/// they declared it dead meanwhile, Orleans finds its own entry Dead in the table and stops the silo.
/// </summary>
/// <remarks>
/// Without this, a resumed silo that was declared dead learns it only at Orleans' next periodic read of the table
/// (<c>ClusterMembershipOptions.TableRefreshTimeout</c>, 60 s by default), since the other silos no longer send a dead
/// silo their membership gossip, and a full mesh tells it nothing either: its removal was sent while it was stopped, over
/// no connection, and was dropped. A stall counts when this process's own timer (<see cref="SchedulingLag"/>) ticks
/// <see cref="PartisanOptions.HeartbeatTimeout"/> or more late (<see cref="FailureDetectionOptions.SuspectAfter"/> with
/// heartbeats off): by then every peer has closed this silo's connections and may have checked and evicted it. A stall
/// costs one read of the table; several in a row while one read runs cost one more.
/// </remarks>
internal sealed class StallRefresh
{
    private readonly IClusterMembershipService _membership;
    private readonly ILogger<StallRefresh> _logger;

    // One waiting stall is enough: a read after it sees whatever the stalls before it left.
    private readonly Channel<TimeSpan> _stalls = Channel.CreateBounded<TimeSpan>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public StallRefresh(IClusterMembershipService membership, IOptions<PartisanOptions> options, TimeProvider time, ILogger<StallRefresh> logger)
    {
        _membership = membership;
        _logger = logger;
        Lag = new SchedulingLag(time, Threshold(options.Value)) { Late = late => _stalls.Writer.TryWrite(late) };
    }

    /// <summary>The timer whose late ticks are the stalls.</summary>
    internal SchedulingLag Lag { get; }

    /// <summary>How long a stall must be to make Orleans read its table again: see the remarks.</summary>
    internal static TimeSpan Threshold(PartisanOptions options)
        => options.HeartbeatTimeout == Timeout.InfiniteTimeSpan ? options.FailureDetection.SuspectAfter : options.HeartbeatTimeout;

    /// <summary>Watches for stalls until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var lag = Lag;
        lag.Start();
        try
        {
            await foreach (var stall in _stalls.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                MembershipLog.Stalled(_logger, stall.TotalSeconds);
                try
                {
                    await _membership.Refresh(default, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    MembershipLog.StallRefreshFailed(_logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}

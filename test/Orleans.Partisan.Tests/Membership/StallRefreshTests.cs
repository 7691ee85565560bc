using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Partisan.Membership;

namespace Orleans.Partisan.Tests.Membership;

/// <summary>After this silo's process stood still for the heartbeat timeout, Orleans is asked to read its membership table again.</summary>
public sealed class StallRefreshTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_stall_of_the_heartbeat_timeout_has_Orleans_read_its_table_once_and_shorter_lateness_does_not()
    {
        var time = new FakeTimeProvider();
        var options = new PartisanOptions();
        var membership = new CountingMembership();
        var refresh = new StallRefresh(membership, Options.Create(options), time, NullLogger<StallRefresh>.Instance);
        using var stop = new CancellationTokenSource();
        var running = refresh.RunAsync(stop.Token);

        // Late, but by less than the heartbeat timeout: a starved process, not one the others gave up on.
        var now = time.GetTimestamp();
        refresh.Lag.OnTick(now);
        time.Advance(SchedulingLag.Interval + options.HeartbeatTimeout - TimeSpan.FromMilliseconds(1));
        refresh.Lag.OnTick(time.GetTimestamp());

        // Stopped for longer than the heartbeat timeout (SIGSTOP, then SIGCONT).
        time.Advance(SchedulingLag.Interval + options.HeartbeatTimeout + TimeSpan.FromSeconds(5));
        refresh.Lag.OnTick(time.GetTimestamp());

        await membership.FirstRefresh.WaitAsync(Wait);
        await stop.CancelAsync();
        await running.WaitAsync(Wait);
        Assert.Equal(1, membership.Refreshes);
    }

    [Fact]
    public void The_threshold_is_the_heartbeat_timeout_or_with_heartbeats_off_SuspectAfter()
    {
        Assert.Equal(TimeSpan.FromSeconds(4), StallRefresh.Threshold(new PartisanOptions()));
        var off = new PartisanOptions { HeartbeatTimeout = Timeout.InfiniteTimeSpan };
        Assert.Equal(off.FailureDetection.SuspectAfter, StallRefresh.Threshold(off));
    }

    [Fact]
    public async Task A_failed_read_is_logged_and_the_next_stall_reads_again()
    {
        var time = new FakeTimeProvider();
        var options = new PartisanOptions();
        var membership = new CountingMembership { FailFirst = true };
        var refresh = new StallRefresh(membership, Options.Create(options), time, NullLogger<StallRefresh>.Instance);
        using var stop = new CancellationTokenSource();
        var running = refresh.RunAsync(stop.Token);

        refresh.Lag.OnTick(time.GetTimestamp());
        time.Advance(SchedulingLag.Interval + options.HeartbeatTimeout);
        refresh.Lag.OnTick(time.GetTimestamp());
        await membership.FirstRefresh.WaitAsync(Wait);
        time.Advance(SchedulingLag.Interval + options.HeartbeatTimeout);
        refresh.Lag.OnTick(time.GetTimestamp());

        await membership.SecondRefresh.WaitAsync(Wait);
        await stop.CancelAsync();
        await running.WaitAsync(Wait);
        Assert.Equal(2, membership.Refreshes);
    }

    private sealed class CountingMembership : IClusterMembershipService
    {
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _second = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _refreshes;

        public bool FailFirst { get; init; }

        public int Refreshes => Volatile.Read(ref _refreshes);

        public Task FirstRefresh => _first.Task;

        public Task SecondRefresh => _second.Task;

        public ClusterMembershipSnapshot CurrentSnapshot => throw new NotSupportedException("not read on a stall");

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException("not read on a stall");

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default)
        {
            var count = Interlocked.Increment(ref _refreshes);
            (count == 1 ? _first : _second).TrySetResult();
            return count == 1 && FailFirst ? ValueTask.FromException(new TimeoutException("the table did not answer")) : ValueTask.CompletedTask;
        }

        public Task<bool> TryKill(SiloAddress siloAddress) => throw new NotSupportedException("not used on a stall");
    }
}

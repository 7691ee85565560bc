namespace Orleans.Partisan.ProcessHost;

/// <summary>
/// The benchmark's broadcast handler: a message is a string that is its own id and payload. Every silo's handler
/// writes <c>DELIVERED &lt;id&gt; &lt;timestamp&gt;</c> when a message reaches it for the first time, the timestamp
/// from <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> (on Linux the system-wide monotonic clock, so the
/// parent can compare the timestamps of different silo processes).
/// </summary>
public interface IProcessBroadcastHandler : IPartisanBroadcastHandler
{
}

/// <summary>
/// Keeps the ids it merged, in memory. It exchanges nothing (anti-entropy is off in effect), so every delivery the
/// benchmark sees came over the Plumtree tree or a GRAFT.
/// </summary>
[SiloPinnedPlacement]
public sealed class ProcessBroadcastHandler : Grain, IProcessBroadcastHandler
{
    private readonly HashSet<string> _delivered = [];

    /// <inheritdoc />
    public Task<BroadcastData> BroadcastData(object message) => Task.FromResult(new BroadcastData(message, message));

    /// <inheritdoc />
    public Task<bool> Merge(object messageId, object payload)
    {
        var id = (string)messageId;
        if (!_delivered.Add(id))
        {
            return Task.FromResult(false);
        }

        HostOutput.Write($"DELIVERED {id} {System.Diagnostics.Stopwatch.GetTimestamp()}");
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task<bool> IsStale(object messageId) => Task.FromResult(_delivered.Contains((string)messageId));

    /// <inheritdoc />
    public Task<BroadcastGraftResult> Graft(object messageId)
        => Task.FromResult(_delivered.Contains((string)messageId) ? BroadcastGraftResult.Found(messageId) : BroadcastGraftResult.Stale);

    /// <inheritdoc />
    public Task Exchange(NodeName peer) => Task.CompletedTask;
}

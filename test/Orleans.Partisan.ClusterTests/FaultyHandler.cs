namespace Orleans.Partisan.ClusterTests;

/// <summary>A broadcast handler whose <c>Merge</c> throws on every silo but the one that broadcast.</summary>
public interface IFaultyHandler : IPartisanBroadcastHandler
{
}

/// <summary>
/// Refuses every message it did not broadcast itself, but keeps each one it saw and hands it out when a neighbour grafts
/// it: a silo that missed the eager push (its link in the root's tree had turned lazy meanwhile, which the other
/// handler's messages from the same root can cause) gets the message through Plumtree's repair and counts its failure too.
/// </summary>
[SiloPinnedPlacement]
public sealed class FaultyHandlerGrain : Grain, IFaultyHandler
{
    private readonly Dictionary<string, object> _seen = new(StringComparer.Ordinal);

    public Task<BroadcastData> BroadcastData(object message)
    {
        var id = this.GetPrimaryKeyString() + "/" + message;
        _seen[id] = message;
        return Task.FromResult(new BroadcastData(id, message));
    }

    public Task<bool> Merge(object messageId, object payload)
    {
        var id = (string)messageId;
        _seen[id] = payload;
        return id.StartsWith(this.GetPrimaryKeyString() + "/", StringComparison.Ordinal)
            ? Task.FromResult(true)
            : throw new InvalidOperationException($"faulty handler refuses {messageId}");
    }

    public Task<bool> IsStale(object messageId) => Task.FromResult(_seen.ContainsKey((string)messageId));

    public Task<BroadcastGraftResult> Graft(object messageId)
        => Task.FromResult(_seen.TryGetValue((string)messageId, out var payload) ? BroadcastGraftResult.Found(payload) : BroadcastGraftResult.Failed("faulty handler never saw it"));

    public Task Exchange(NodeName peer) => Task.CompletedTask;
}

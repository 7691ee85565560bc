namespace Orleans.Partisan.ClusterTests;

/// <summary>A broadcast handler whose <c>Merge</c> throws on every silo but the one that broadcast.</summary>
public interface IFaultyHandler : IPartisanBroadcastHandler
{
}

[SiloPinnedPlacement]
public sealed class FaultyHandlerGrain : Grain, IFaultyHandler
{
    public Task<BroadcastData> BroadcastData(object message) => Task.FromResult(new BroadcastData(this.GetPrimaryKeyString() + "/" + message, message));

    public Task<bool> Merge(object messageId, object payload)
        => ((string)messageId).StartsWith(this.GetPrimaryKeyString() + "/", StringComparison.Ordinal)
            ? Task.FromResult(true)
            : throw new InvalidOperationException($"faulty handler refuses {messageId}");

    public Task<bool> IsStale(object messageId) => Task.FromResult(false);

    public Task<BroadcastGraftResult> Graft(object messageId) => Task.FromResult(BroadcastGraftResult.Failed("faulty handler keeps nothing"));

    public Task Exchange(NodeName peer) => Task.CompletedTask;
}

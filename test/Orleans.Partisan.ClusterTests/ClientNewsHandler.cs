using System.Collections.Concurrent;

namespace Orleans.Partisan.ClusterTests;

/// <summary>A broadcast handler of news items (a string id each) for silos (a grain) and for client nodes (<see cref="NewsHandlerOnClient"/>).</summary>
public interface IClientNewsHandler : IPartisanBroadcastHandler
{
    /// <summary>The ids merged here, in order.</summary>
    Task<IReadOnlyList<string>> GetMerged();
}

/// <summary>The silos' news handler: one activation per silo, remembering what it merged.</summary>
[SiloPinnedPlacement]
public sealed class ClientNewsHandlerGrain : Grain, IClientNewsHandler
{
    private readonly NewsStore _store = new();

    public Task<BroadcastData> BroadcastData(object message) => Task.FromResult(new BroadcastData((string)message, message));

    public Task<bool> Merge(object messageId, object payload) => Task.FromResult(_store.Merge((string)messageId));

    public Task<bool> IsStale(object messageId) => Task.FromResult(_store.Has((string)messageId));

    public Task<BroadcastGraftResult> Graft(object messageId) => Task.FromResult(_store.Has((string)messageId) ? BroadcastGraftResult.Found(messageId) : BroadcastGraftResult.Failed("not here"));

    public Task Exchange(NodeName peer) => Task.CompletedTask;

    public Task<IReadOnlyList<string>> GetMerged() => Task.FromResult(_store.Merged);
}

/// <summary>A client's news handler: a plain object in the client's services.</summary>
public sealed class NewsHandlerOnClient : IPartisanClientBroadcastHandler
{
    private readonly NewsStore _store = new();

    public Task<BroadcastData> BroadcastData(object message) => Task.FromResult(new BroadcastData((string)message, message));

    public Task<bool> Merge(object messageId, object payload) => Task.FromResult(_store.Merge((string)messageId));

    public Task<bool> IsStale(object messageId) => Task.FromResult(_store.Has((string)messageId));

    public Task<BroadcastGraftResult> Graft(object messageId) => Task.FromResult(_store.Has((string)messageId) ? BroadcastGraftResult.Found(messageId) : BroadcastGraftResult.Failed("not here"));

    public Task Exchange(NodeName peer) => Task.CompletedTask;

    public Task<IReadOnlyList<string>> GetMerged() => Task.FromResult(_store.Merged);
}

/// <summary>The ids a news handler merged.</summary>
internal sealed class NewsStore
{
    private readonly ConcurrentDictionary<string, byte> _ids = new();
    private readonly ConcurrentQueue<string> _order = new();

    public IReadOnlyList<string> Merged => [.. _order];

    public bool Has(string id) => _ids.ContainsKey(id);

    public bool Merge(string id)
    {
        if (!_ids.TryAdd(id, 0))
        {
            return false;
        }

        _order.Enqueue(id);
        return true;
    }
}

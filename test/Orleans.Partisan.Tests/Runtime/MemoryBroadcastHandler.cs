using System.Collections.Concurrent;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>
/// One node's broadcast handler in memory: a set of message ids with their payloads. <see cref="MergeHook"/>
/// lets a test make <c>Merge</c> throw or hang.
/// </summary>
internal sealed class MemoryBroadcastHandler : IBroadcastHandlerInvoker
{
    public const string Name = "memory";

    public static readonly BroadcastHandlerRegistration Registration = new(Name, typeof(IPartisanBroadcastHandler), PartisanChannels.Default);

    public ConcurrentDictionary<string, string> Merged { get; } = new();

    public ConcurrentQueue<string> MergeCalls { get; } = new();

    public Func<string, Task<bool>?>? MergeHook { get; set; }

    public Task<BroadcastData> BroadcastDataAsync(BroadcastHandlerRegistration handler, object message) => Task.FromResult(new BroadcastData((string)message, "payload of " + message));

    public Task<bool> MergeAsync(BroadcastHandlerRegistration handler, object messageId, object payload)
    {
        var id = (string)messageId;
        MergeCalls.Enqueue(id);
        return MergeHook?.Invoke(id) ?? Task.FromResult(Merged.TryAdd(id, (string)payload));
    }

    public Task<bool> IsStaleAsync(BroadcastHandlerRegistration handler, object messageId) => Task.FromResult(Merged.ContainsKey((string)messageId));

    public Task<BroadcastGraftResult> GraftAsync(BroadcastHandlerRegistration handler, object messageId)
        => Task.FromResult(Merged.TryGetValue((string)messageId, out var payload) ? BroadcastGraftResult.Found(payload) : BroadcastGraftResult.Stale);

    public Task ExchangeAsync(BroadcastHandlerRegistration handler, NodeName peer) => Task.CompletedTask;
}

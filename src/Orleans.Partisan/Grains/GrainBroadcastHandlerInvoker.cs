using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Grains;

/// <summary>Calls the broadcast handler grains of this silo: each handler's activation keyed by this silo's address.</summary>
internal sealed class GrainBroadcastHandlerInvoker(IGrainFactory grainFactory, ILocalSiloDetails silo) : IBroadcastHandlerInvoker
{
    private readonly string _key = silo.SiloAddress.ToParsableString();

    public Task<BroadcastData> BroadcastDataAsync(BroadcastHandlerRegistration handler, object message) => Handler(handler).BroadcastData(message);

    public Task<bool> MergeAsync(BroadcastHandlerRegistration handler, object messageId, object payload) => Handler(handler).Merge(messageId, payload);

    public Task<bool> IsStaleAsync(BroadcastHandlerRegistration handler, object messageId) => Handler(handler).IsStale(messageId);

    public Task<BroadcastGraftResult> GraftAsync(BroadcastHandlerRegistration handler, object messageId) => Handler(handler).Graft(messageId);

    public Task ExchangeAsync(BroadcastHandlerRegistration handler, NodeName peer) => Handler(handler).Exchange(peer);

    private IPartisanBroadcastHandler Handler(BroadcastHandlerRegistration handler)
        => (IPartisanBroadcastHandler)grainFactory.GetGrain(handler.Interface, _key);
}

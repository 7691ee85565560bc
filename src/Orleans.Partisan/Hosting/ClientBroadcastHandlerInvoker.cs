using Microsoft.Extensions.DependencyInjection;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Hosting;

/// <summary>
/// Calls an Orleans client's broadcast handlers: <see cref="IPartisanClientBroadcastHandler"/> objects registered with
/// <c>clientBuilder.AddPartisanBroadcastHandler&lt;THandler, TImplementation&gt;()</c>, resolved from the client's services by handler name.
/// </summary>
internal sealed class ClientBroadcastHandlerInvoker(IServiceProvider services) : IBroadcastHandlerInvoker
{
    public Task<BroadcastData> BroadcastDataAsync(BroadcastHandlerRegistration handler, object message) => Handler(handler).BroadcastData(message);

    public Task<bool> MergeAsync(BroadcastHandlerRegistration handler, object messageId, object payload) => Handler(handler).Merge(messageId, payload);

    public Task<bool> IsStaleAsync(BroadcastHandlerRegistration handler, object messageId) => Handler(handler).IsStale(messageId);

    public Task<BroadcastGraftResult> GraftAsync(BroadcastHandlerRegistration handler, object messageId) => Handler(handler).Graft(messageId);

    public Task ExchangeAsync(BroadcastHandlerRegistration handler, NodeName peer) => Handler(handler).Exchange(peer);

    private IPartisanClientBroadcastHandler Handler(BroadcastHandlerRegistration handler)
        => services.GetRequiredKeyedService<IPartisanClientBroadcastHandler>(handler.Name);
}

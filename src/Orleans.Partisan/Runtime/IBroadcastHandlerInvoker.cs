namespace Orleans.Partisan.Runtime;

/// <summary>Calls this silo's broadcast handler grains; provided by the silo integration.</summary>
internal interface IBroadcastHandlerInvoker
{
    /// <summary><see cref="IPartisanBroadcastHandler.BroadcastData"/>.</summary>
    Task<BroadcastData> BroadcastDataAsync(BroadcastHandlerRegistration handler, object message);

    /// <summary><see cref="IPartisanBroadcastHandler.Merge"/>.</summary>
    Task<bool> MergeAsync(BroadcastHandlerRegistration handler, object messageId, object payload);

    /// <summary><see cref="IPartisanBroadcastHandler.IsStale"/>.</summary>
    Task<bool> IsStaleAsync(BroadcastHandlerRegistration handler, object messageId);

    /// <summary><see cref="IPartisanBroadcastHandler.Graft"/>.</summary>
    Task<BroadcastGraftResult> GraftAsync(BroadcastHandlerRegistration handler, object messageId);

    /// <summary><see cref="IPartisanBroadcastHandler.Exchange"/>.</summary>
    Task ExchangeAsync(BroadcastHandlerRegistration handler, NodeName peer);
}

namespace Orleans.Partisan;

/// <summary>
/// An Orleans client's handler of one kind of broadcast data: the client's counterpart of the silos' handler grain
/// (<see cref="IPartisanBroadcastHandler"/>), a plain object registered with
/// <c>clientBuilder.AddPartisanBroadcastHandler&lt;THandler, TImplementation&gt;()</c> and called by the client's overlay node
/// as the silos' node calls their grains. It is no grain interface, so Orleans never takes an implementation for a
/// grain class.
/// </summary>
/// <remarks>
/// The methods mean what <see cref="IPartisanBroadcastHandler"/>'s do, and the same rules hold: a method that throws or does
/// not answer within <see cref="PlumtreeOptions.HandlerTimeout"/> is logged and counted, and the tree goes on. They may be
/// called concurrently.
/// </remarks>
public interface IPartisanClientBroadcastHandler
{
    /// <summary>The id and payload of <paramref name="message"/>, which this client is about to broadcast.</summary>
    Task<BroadcastData> BroadcastData(object message);

    /// <summary>Merges a message into this client's state: <see langword="true"/> when it was new.</summary>
    Task<bool> Merge(object messageId, object payload);

    /// <summary>Whether this client already has the message, or something newer.</summary>
    Task<bool> IsStale(object messageId);

    /// <summary>The payload of a message another node missed and asks for.</summary>
    Task<BroadcastGraftResult> Graft(object messageId);

    /// <summary>Anti-entropy with the handler on <paramref name="peer"/> (a silo), every <see cref="PlumtreeOptions.ExchangeInterval"/>.</summary>
    Task Exchange(NodeName peer);
}

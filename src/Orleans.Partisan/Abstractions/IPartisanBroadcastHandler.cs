namespace Orleans.Partisan;

/// <summary>
/// A broadcast handler: the grain that owns one kind of broadcast data on every silo (Partisan's
/// <c>partisan_plumtree_broadcast_handler</c>). Derive a grain interface from it, implement it with a
/// grain class marked <see cref="SiloPinnedPlacementAttribute"/> (one activation per silo, keyed by the
/// silo's address), register it with <c>AddPartisanBroadcastHandler&lt;THandler&gt;()</c> on every silo,
/// and broadcast with <see cref="IPartisan.BroadcastAsync{THandler}"/>.
/// </summary>
/// <remarks>
/// Plumtree calls these methods on the handler of the silo a message reaches. A method that throws or
/// does not answer within <see cref="PlumtreeOptions.HandlerTimeout"/> is logged and counted: a failed
/// <see cref="Merge"/> passes the message on as if it were new (the tree stays as it is), a failed
/// <see cref="IsStale"/> counts as "not stale", a failed <see cref="Graft"/> sends nothing; the tree
/// and the other handlers go on.
/// Message ids must have value equality (strings, numbers, <see cref="Guid"/>s, records) and, like
/// payloads, be serializable by Orleans.
/// </remarks>
public interface IPartisanBroadcastHandler : IGrainWithStringKey
{
    /// <summary>
    /// The id and payload of <paramref name="message"/>, which this silo is about to broadcast
    /// (<c>broadcast_data/1</c>).
    /// </summary>
    Task<BroadcastData> BroadcastData(object message);

    /// <summary>
    /// Merges a message into this silo's state (<c>merge/2</c>): <see langword="true"/> when it was new,
    /// and Plumtree passes it on; <see langword="false"/> when it was already known or is stale, and
    /// the link it came over leaves the tree.
    /// </summary>
    Task<bool> Merge(object messageId, object payload);

    /// <summary>Whether this silo already has the message, or something newer (<c>is_stale/1</c>).</summary>
    Task<bool> IsStale(object messageId);

    /// <summary>The payload of a message another silo missed and asks for (<c>graft/1</c>).</summary>
    Task<BroadcastGraftResult> Graft(object messageId);

    /// <summary>
    /// Anti-entropy (<c>exchange/1</c>): reconcile this silo's state with the handler on
    /// <paramref name="peer"/> (reach it with <see cref="PartisanGrainFactoryExtensions.GetBroadcastHandler{THandler}(IGrainFactory, NodeName)"/>).
    /// Called every <see cref="PlumtreeOptions.ExchangeInterval"/> with one peer, so that a silo that
    /// missed messages (partitioned away, restarted) catches up.
    /// </summary>
    Task Exchange(NodeName peer);
}

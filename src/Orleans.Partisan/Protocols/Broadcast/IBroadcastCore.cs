namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// Broadcast over the overlay as a pure state machine: Plumtree, or eager flooding (its baseline).
/// Driven by calls and answering with effects; not thread-safe (the driver serializes calls).
/// </summary>
/// <remarks>
/// Every call appends its effects to <c>effects</c>, a list the caller owns: the core only adds to it and
/// keeps no reference to it after the call, so a driver can clear and reuse one list for every call (a
/// simulator of many nodes allocates no list per event). <see cref="BroadcastCoreCalls"/> has the same calls
/// returning a new list, for callers that want one.
/// </remarks>
/// <remarks>
/// What a driver (the real one, or a simulator) promises a core:
/// <list type="bullet">
/// <item>Neighbours are the peers this node's peer service is connected to (every member in a full
/// mesh, the active view in HyParView): <see cref="NeighborUp"/> when the connection opens,
/// <see cref="NeighborDown"/> when it is lost or closed.</item>
/// <item>A <see cref="BroadcastSendEffect"/> to a neighbour goes over the connection, in order with
/// the others to that neighbour on the same channel (a handler's messages travel on its channel, PRUNE
/// on the default one), or is lost with the connection; to a node that is not a neighbour
/// (any more) it is dropped.</item>
/// <item>Every <see cref="MergeEffect"/>, <see cref="CheckStaleEffect"/> and <see cref="GraftPayloadEffect"/>
/// is answered exactly once, with <see cref="Merged"/>, <see cref="StaleChecked"/> and
/// <see cref="GraftAnswered"/>, later on the same serialized loop; answers may interleave with other calls.
/// A handler that fails or times out is answered as "new" (the message goes on along the tree: the
/// link it came over is not to blame), "not stale" and no payload.</item>
/// <item>Timers fire on the same serialized loop as every other call.</item>
/// </list>
/// </remarks>
internal interface IBroadcastCore
{
    /// <summary>This node.</summary>
    NodeName Self { get; }

    /// <summary>The core starts: typically arms its timers.</summary>
    void Start(List<BroadcastEffect> effects);

    /// <summary>
    /// Broadcast a message this node originates (it is the root). The local handler already merged it;
    /// the core sends it to every neighbour of its tree, with <paramref name="trace"/> (the broadcaster's span, which
    /// every node's delivery span is a child of) when it is given.
    /// </summary>
    void Broadcast(string handler, object messageId, object payload, TraceContext? trace, List<BroadcastEffect> effects);

    /// <summary>A broadcast message arrived from the neighbour <paramref name="from"/>.</summary>
    void Handle(NodeName from, IBroadcastMessage message, List<BroadcastEffect> effects);

    /// <summary>The handler's answer to a <see cref="MergeEffect"/>: whether the message was new.</summary>
    void Merged(NodeName from, BroadcastGossip gossip, bool isNew, List<BroadcastEffect> effects);

    /// <summary>The handler's answer to a <see cref="CheckStaleEffect"/>.</summary>
    void StaleChecked(NodeName from, string handler, BroadcastAnnouncement announcement, bool isStale, List<BroadcastEffect> effects);

    /// <summary>
    /// The handler's answer to a <see cref="GraftPayloadEffect"/>: the payload to send, or
    /// <see langword="null"/> when the message is stale or the handler failed (nothing is sent).
    /// </summary>
    void GraftAnswered(NodeName requester, BroadcastGraft graft, object? payload, List<BroadcastEffect> effects);

    /// <summary>A connection to <paramref name="peer"/> opened: it is a neighbour.</summary>
    void NeighborUp(NodeName peer, List<BroadcastEffect> effects);

    /// <summary>The connection to <paramref name="peer"/> closed: it is no longer a neighbour.</summary>
    void NeighborDown(NodeName peer, List<BroadcastEffect> effects);

    /// <summary>
    /// The overlay's members changed (this node included or not): the candidates for the anti-entropy
    /// exchange, which need not be neighbours (an exchange is a call between handlers). The collection is
    /// valid during the call only (a driver may refill it for the next call): a core that keeps the members copies them.
    /// </summary>
    void MembersChanged(IReadOnlyCollection<NodeName> members, List<BroadcastEffect> effects);

    /// <summary>A timer armed by a <see cref="BroadcastTimerEffect"/> fired.</summary>
    void OnTimer(CoreTimer timer, List<BroadcastEffect> effects);

    /// <summary>This node's links in every tree it knows, for diagnostics; ordered by root.</summary>
    IReadOnlyList<BroadcastTreeLinks> Trees();
}

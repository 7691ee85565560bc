namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// Something a broadcast core asks its driver to do. The handler is asked through effects too
/// (<see cref="MergeEffect"/>, <see cref="CheckStaleEffect"/>, <see cref="GraftPayloadEffect"/>), because a
/// handler is a grain and answers asynchronously: the driver feeds each answer back to the core.
/// </summary>
internal abstract record BroadcastEffect;

/// <summary>Send <paramref name="Message"/> to the neighbour <paramref name="To"/> (on its handler's channel).</summary>
internal sealed record BroadcastSendEffect(NodeName To, IBroadcastMessage Message) : BroadcastEffect;

/// <summary>
/// Ask the handler to merge a message that arrived from <paramref name="From"/> and answer with
/// <see cref="IBroadcastCore.Merged"/>: whether it was new to the handler.
/// </summary>
internal sealed record MergeEffect(NodeName From, BroadcastGossip Gossip) : BroadcastEffect;

/// <summary>
/// Ask the handler whether an announced message is stale (it has it, or something newer) and answer
/// with <see cref="IBroadcastCore.StaleChecked"/>.
/// </summary>
internal sealed record CheckStaleEffect(NodeName From, string Handler, BroadcastAnnouncement Announcement) : BroadcastEffect;

/// <summary>
/// Ask the handler for the payload of a message <paramref name="Requester"/> grafted and answer with
/// <see cref="IBroadcastCore.GraftAnswered"/>.
/// </summary>
internal sealed record GraftPayloadEffect(NodeName Requester, BroadcastGraft Graft) : BroadcastEffect;

/// <summary>Run every handler's anti-entropy exchange with <paramref name="Peer"/>.</summary>
internal sealed record ExchangeEffect(NodeName Peer) : BroadcastEffect;

/// <summary>
/// Call <see cref="IBroadcastCore.OnTimer"/> with <paramref name="Timer"/> after <paramref name="Due"/>,
/// and then every <paramref name="Due"/> if <paramref name="Periodic"/>. Arming a timer again replaces it.
/// </summary>
internal sealed record BroadcastTimerEffect(CoreTimer Timer, TimeSpan Due, bool Periodic) : BroadcastEffect;

/// <summary>Cancel the timer <paramref name="Timer"/> if it is armed.</summary>
internal sealed record CancelBroadcastTimerEffect(CoreTimer Timer) : BroadcastEffect;

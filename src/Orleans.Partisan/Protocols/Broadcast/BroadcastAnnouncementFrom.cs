namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>An announcement of a missing message: who sent it and the round it carried.</summary>
/// <param name="From">The announcer.</param>
/// <param name="Round">The round of its announcement (the hops from the root to this node through it).</param>
internal readonly record struct BroadcastAnnouncementFrom(NodeName From, int Round);

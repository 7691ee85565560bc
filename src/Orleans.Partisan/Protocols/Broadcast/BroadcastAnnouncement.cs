namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>One announced message of an IHAVE: a message the sender has, without its payload.</summary>
/// <param name="MessageId">The handler's identity of the message.</param>
/// <param name="Root">The root of the message's tree.</param>
/// <param name="Round">The number of hops from the root to the receiver of the announcement.</param>
[GenerateSerializer, Immutable, Alias("partisan.broadcast.Announcement")]
internal sealed record BroadcastAnnouncement(
    [property: Id(0)] object MessageId,
    [property: Id(1)] NodeName Root,
    [property: Id(2)] int Round);

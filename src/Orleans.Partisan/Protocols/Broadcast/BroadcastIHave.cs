using System.Collections.Immutable;

namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// IHAVE (Plumtree's lazy push): the messages of one handler the sender received since its last lazy
/// tick, announced to one lazy neighbour in one batch.
/// </summary>
/// <param name="Handler">The broadcast handler the announced messages belong to.</param>
/// <param name="Announcements">The announced messages.</param>
[GenerateSerializer, Immutable, Alias("partisan.broadcast.IHave")]
internal sealed record BroadcastIHave(
    [property: Id(0)] string Handler,
    [property: Id(1)] ImmutableArray<BroadcastAnnouncement> Announcements) : IBroadcastMessage
{
    string? IBroadcastMessage.Handler => Handler;
}

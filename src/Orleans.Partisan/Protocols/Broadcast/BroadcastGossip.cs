namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// GOSSIP (Plumtree's eager push): a broadcast message with its payload, pushed along the tree of
/// its root, or sent to a node that asked for it with a GRAFT.
/// </summary>
/// <param name="Handler">The broadcast handler that owns the message.</param>
/// <param name="MessageId">The handler's identity of the message (a value with value equality: string, number, Guid, record).</param>
/// <param name="Payload">The payload the handler merges.</param>
/// <param name="Root">The node that broadcast the message: the root of the tree it travels along.</param>
/// <param name="Round">The number of hops from the root to the receiver (1 for the root's neighbours).</param>
/// <param name="Trace">
/// The broadcaster's recorded span, which each node's delivery span is a child of; <see langword="null"/> when none was
/// recorded, and in a GOSSIP that answers a GRAFT. Passed on unchanged from hop to hop.
/// </param>
[GenerateSerializer, Immutable, Alias("partisan.broadcast.Gossip")]
internal sealed record BroadcastGossip(
    [property: Id(0)] string Handler,
    [property: Id(1)] object MessageId,
    [property: Id(2)] object Payload,
    [property: Id(3)] NodeName Root,
    [property: Id(4)] int Round,
    [property: Id(5)] TraceContext? Trace = null) : IBroadcastMessage
{
    string? IBroadcastMessage.Handler => Handler;
}

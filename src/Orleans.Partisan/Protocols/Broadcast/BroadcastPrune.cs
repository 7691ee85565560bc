namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// PRUNE: the sender received a duplicate from the receiver over the tree of <paramref name="Root"/>;
/// the receiver moves the sender to its lazy peers for that root.
/// </summary>
/// <param name="Root">The root of the tree the link leaves.</param>
[GenerateSerializer, Immutable, Alias("partisan.broadcast.Prune")]
internal sealed record BroadcastPrune([property: Id(0)] NodeName Root) : IBroadcastMessage
{
    string? IBroadcastMessage.Handler => null;
}

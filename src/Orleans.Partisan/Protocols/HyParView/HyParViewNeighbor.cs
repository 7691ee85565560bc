namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>
/// NEIGHBOR (§4.3): <see cref="Sender"/> asks to promote the receiver from its passive view into its
/// active view. Answered by a <see cref="HyParViewNeighborReply"/>.
/// </summary>
/// <param name="Sender">The requester.</param>
/// <param name="Epoch">The epoch of the link the request would open.</param>
/// <param name="Priority">High only when the requester's active view is empty.</param>
[GenerateSerializer, Immutable, Alias("partisan.hyparview.Neighbor")]
internal sealed record HyParViewNeighbor(
    [property: Id(0)] NodeSpec Sender,
    [property: Id(1)] long Epoch,
    [property: Id(2)] NeighborPriority Priority) : IHyParViewMessage;

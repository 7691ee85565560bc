namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>
/// JOIN (§4.2): <see cref="Sender"/> asks the contact to take it into the overlay. The contact adds
/// the joiner to its active view, answers with an accepting <see cref="HyParViewNeighborReply"/> and
/// starts a <see cref="HyParViewForwardJoin"/> walk on each of its other active links.
/// </summary>
/// <param name="Sender">The joiner.</param>
/// <param name="Epoch">The epoch of the new link between joiner and contact.</param>
[GenerateSerializer, Immutable, Alias("partisan.hyparview.Join")]
internal sealed record HyParViewJoin(
    [property: Id(0)] NodeSpec Sender,
    [property: Id(1)] long Epoch) : IHyParViewMessage;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// An acknowledgement of acknowledged and causal messages (<see cref="Protocols.Delivery.AckReport"/>),
/// forwarded to the sender's receiver <see cref="DeliveryLayer.AckReceiverName"/>, transitively where the
/// two nodes are not neighbours.
/// </summary>
[GenerateSerializer, Immutable, Alias("partisan.DeliveryAck")]
internal sealed record DeliveryAck(
    [property: Id(0)] long Session,
    [property: Id(1)] long Contiguous,
    [property: Id(2)] long[] Above);

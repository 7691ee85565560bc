namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>
/// Sent by the node where a <see cref="HyParViewForwardJoin"/> walk ended to the joiner: "you are in my
/// active view". The joiner adds the sender to its own active view, so active views stay symmetric
/// (the paper gets this from the TCP connection both ends see, §4.1; here each direction is its own
/// connection, so it is said).
/// </summary>
/// <param name="Sender">The node that added the joiner.</param>
/// <param name="Epoch">The epoch of the new link.</param>
[GenerateSerializer, Immutable, Alias("partisan.hyparview.ForwardJoinAccept")]
internal sealed record HyParViewForwardJoinAccept(
    [property: Id(0)] NodeSpec Sender,
    [property: Id(1)] long Epoch) : IHyParViewMessage;

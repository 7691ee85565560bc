namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>
/// FORWARD_JOIN (§4.2): a random walk over active links announcing <see cref="Joiner"/>. The node that
/// receives it with <see cref="Ttl"/> 0, or that has only one active neighbour, adds the joiner to its
/// active view; the node that receives it with TTL = PRWL adds the joiner to its passive view; every
/// other node forwards it, TTL minus one, to a random active neighbour other than the sender.
/// Needs an active link from the sender.
/// </summary>
/// <param name="Sender">The node forwarding the walk.</param>
/// <param name="Epoch">The epoch of the sender's link to the receiver.</param>
/// <param name="Joiner">The node that joined.</param>
/// <param name="Ttl">The remaining time to live, ARWL at the contact.</param>
[GenerateSerializer, Immutable, Alias("partisan.hyparview.ForwardJoin")]
internal sealed record HyParViewForwardJoin(
    [property: Id(0)] NodeSpec Sender,
    [property: Id(1)] long Epoch,
    [property: Id(2)] NodeSpec Joiner,
    [property: Id(3)] int Ttl) : IHyParViewMessage;

namespace Orleans.Partisan.Transport;

/// <summary>
/// The numbers of an acknowledged message without a causal label, carried in its forward envelope rather than
/// in a serialized wrapper: the sender's session with the destination, the message's number, the number of its
/// order key's predecessor (0 for none) and the sender's base (its lowest outstanding number). <c>default</c>: not
/// an acknowledged message. The receiving node's delivery layer checks them.
/// </summary>
[GenerateSerializer, Immutable, Alias("partisan.DeliveryHeader")]
internal readonly record struct DeliveryHeader(
    [property: Id(0)] long Session,
    [property: Id(1)] long Sequence,
    [property: Id(2)] long Predecessor,
    [property: Id(3)] long Base)
{
    /// <summary>Whether the message is acknowledged (sessions start at 1).</summary>
    public bool IsTracked => Session != 0;
}

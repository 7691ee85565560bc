namespace Orleans.Partisan.Transport;

/// <summary>
/// A forwarded message on its way to a node that is not a neighbour of its sender: relayed from
/// neighbour to neighbour, at most <see cref="HopsLeft"/> more times, and delivered once.
/// </summary>
[GenerateSerializer, Alias("partisan.Relay")]
internal sealed class RelayEnvelope(PartisanRef id, NodeName destination, int hopsLeft, ForwardEnvelope forward)
{
    /// <summary>Unique per relayed message (its origin node and a number), to deliver and relay it once.</summary>
    [Id(0)]
    public PartisanRef Id { get; } = id;

    [Id(1)]
    public NodeName Destination { get; } = destination;

    [Id(2)]
    public int HopsLeft { get; } = hopsLeft;

    [Id(3)]
    public ForwardEnvelope Forward { get; } = forward;

    /// <summary>The node that first sent it.</summary>
    public NodeName Origin => Id.Node;
}

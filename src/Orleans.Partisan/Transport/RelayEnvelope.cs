namespace Orleans.Partisan.Transport;

/// <summary>
/// A forwarded message on its way to a node that is not a neighbour of its sender: relayed from
/// neighbour to neighbour, at most <see cref="HopsLeft"/> more times, and delivered once.
/// </summary>
/// <remarks>
/// It travels in a relay frame of its own (kind 3, <see cref="WireCodec"/>): its header laid out by hand, then the
/// forwarded message as a whole forward frame's body whose message names its type (no connection's type numbers), so
/// that a node that only relays it copies those bytes on (<see cref="Encoded"/>) and never deserializes the message.
/// The destination decodes them (<see cref="Open"/>), and so does anything that reads <see cref="Forward"/>.
/// </remarks>
internal sealed class RelayEnvelope
{
    private readonly WireCodec? _codec;
    private ForwardEnvelope? _forward;

    /// <summary>A relay started on this node.</summary>
    public RelayEnvelope(PartisanRef id, NodeName destination, int hopsLeft, ForwardEnvelope forward)
    {
        (Id, Destination, HopsLeft) = (id, destination, hopsLeft);
        _forward = forward;
    }

    /// <summary>A relay as received: the forward frame's body, <paramref name="encoded"/>, is decoded on demand by <paramref name="codec"/>.</summary>
    public RelayEnvelope(PartisanRef id, NodeName destination, int hopsLeft, ReadOnlyMemory<byte> encoded, WireCodec codec)
    {
        (Id, Destination, HopsLeft) = (id, destination, hopsLeft);
        Encoded = encoded;
        _codec = codec;
    }

    private RelayEnvelope(RelayEnvelope relay, int hopsLeft)
    {
        (Id, Destination, HopsLeft) = (relay.Id, relay.Destination, hopsLeft);
        (Encoded, _codec, _forward) = (relay.Encoded, relay._codec, relay._forward);
    }

    /// <summary>Unique per relayed message (its origin node and a number), to deliver and relay it once.</summary>
    public PartisanRef Id { get; }

    /// <summary>The node it is for.</summary>
    public NodeName Destination { get; }

    /// <summary>How many more times it may be handed on.</summary>
    public int HopsLeft { get; }

    /// <summary>The node that first sent it.</summary>
    public NodeName Origin => Id.Node;

    /// <summary>The forwarded message as it arrived, a forward frame's body (kind byte included); empty for a relay started here.</summary>
    public ReadOnlyMemory<byte> Encoded { get; }

    /// <summary>The forwarded message; decoded from <see cref="Encoded"/> on first use.</summary>
    /// <exception cref="InvalidDataException">The forwarded message does not decode.</exception>
    public ForwardEnvelope Forward => _forward ??= Open();

    /// <summary>The same relay with one hop fewer left, carrying the same bytes (nothing is decoded or encoded again).</summary>
    public RelayEnvelope NextHop() => new(this, HopsLeft - 1);

    /// <summary>Decodes the forwarded message (once); the destination's connection does so as it reads the frame.</summary>
    /// <exception cref="InvalidDataException">The forwarded message does not decode.</exception>
    public ForwardEnvelope Open()
    {
        if (_forward is { } forward)
        {
            return forward;
        }

        var decoded = _codec!.Read(new System.Buffers.ReadOnlySequence<byte>(Encoded), types: null) as ForwardEnvelope
            ?? throw new InvalidDataException("The relayed message is not a forwarded message.");
        _forward = decoded;
        return decoded;
    }
}

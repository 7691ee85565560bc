using System.Buffers;

namespace Orleans.Partisan.Transport;

/// <summary>
/// A frame's body as <see cref="WireCodec"/> reads it, with what the connection it came on knows: its type numbers, its
/// last target other than a name, the peer and the channel. Outside a connection (a relayed message opened, a test)
/// only the body is given, and perhaps the type numbers.
/// </summary>
internal readonly struct FrameInput(ReadOnlySequence<byte> body, ReceivedTypeTable? types, ReceivedTargetCache? targets, NodeName from, string? channel)
{
    /// <summary>The body, kind byte included; a reader's position is an offset into it.</summary>
    public ReadOnlySequence<byte> Body { get; } = body;

    /// <summary>The connection's table of type numbers.</summary>
    public ReceivedTypeTable? Types { get; } = types;

    /// <summary>The connection's last target other than a name; absent when the body is read through a stream.</summary>
    public ReceivedTargetCache? Targets { get; } = targets;

    /// <summary>The peer that sent the frame.</summary>
    public NodeName From { get; } = from;

    /// <summary>The channel the frame came on; absent outside a connection, where a plain forward is read into a <see cref="ForwardEnvelope"/>.</summary>
    public string? Channel { get; } = channel;
}

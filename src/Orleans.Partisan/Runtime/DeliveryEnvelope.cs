using Orleans.Partisan.Protocols.Delivery;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// The wire form of an acknowledged or causal message, carried as the message of a forward envelope (so it
/// travels, and is relayed, like any forwarded message) and unwrapped on the destination before its target
/// sees it.
/// </summary>
[GenerateSerializer, Alias("partisan.Delivery")]
internal sealed class DeliveryEnvelope(AckStamp ack, string? label, CausalStamp? causal, object? payload)
{
    /// <summary>The sender's session with the destination, the message's number, its key's predecessor and the sender's base (<see cref="AckStamp"/>).</summary>
    [Id(0)]
    public long Session { get; } = ack.Session;

    [Id(1)]
    public long Sequence { get; } = ack.Sequence;

    [Id(2)]
    public long Predecessor { get; } = ack.Predecessor;

    [Id(3)]
    public long Base { get; } = ack.Base;

    /// <summary>The causal label, or <see langword="null"/> for an acknowledged message without causal order.</summary>
    [Id(4)]
    public string? Label { get; } = label;

    /// <summary>The causal stamp, with <see cref="Label"/>.</summary>
    [Id(5)]
    public CausalStamp? Causal { get; } = causal;

    /// <summary>
    /// The message; <see langword="null"/> for a causal message its sender could not serialize, which is
    /// delivered to no one but still takes its place in the causal order.
    /// </summary>
    [Id(6)]
    public object? Payload { get; } = payload;

    public AckStamp Ack => new(Session, Sequence, Predecessor, Base);
}

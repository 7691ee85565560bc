using Orleans.Partisan.Protocols.Delivery;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>An acknowledged or causal message this node sent, kept by the ack tracker until acknowledged.</summary>
internal sealed class OutgoingDelivery(PartisanTarget target, object message, bool isCast, string channel, int? partitionKey, bool transitive, string? label, CausalStamp? causal, TaskCompletionSource? acknowledged)
{
    public PartisanTarget Target { get; } = target;

    /// <summary>The message; <see langword="null"/> once a causal message turned out not to be serializable (see <see cref="DeliveryEnvelope.Payload"/>).</summary>
    public object? Message { get; set; } = message;

    public bool IsCast { get; } = isCast;

    public string Channel { get; } = channel;

    public int? PartitionKey { get; } = partitionKey;

    public bool Transitive { get; } = transitive;

    public string? Label { get; } = label;

    public CausalStamp? Causal { get; } = causal;

    /// <summary>Completed when the message is acknowledged, failed when it times out or its node goes down; <see langword="null"/> when no one waits.</summary>
    public TaskCompletionSource? Acknowledged { get; } = acknowledged;

    public ForwardEnvelope Envelope(AckStamp stamp) => new(Target, new DeliveryEnvelope(stamp, Label, Causal, Message), IsCast);
}

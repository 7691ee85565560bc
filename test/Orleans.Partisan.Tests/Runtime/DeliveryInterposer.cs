using System.Collections.Concurrent;
using Orleans.Partisan.Runtime;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>
/// An interposer for delivery tests: records the numbers of the acknowledged messages each node sends, and
/// drops (while switched on) acknowledged messages or acknowledgements, on send.
/// </summary>
internal sealed class DeliveryInterposer : IPartisanInterposer
{
    private readonly ConcurrentQueue<(NodeName From, NodeName To, long Sequence, string? Text)> _sent = new();

    /// <summary>Drop acknowledged and causal messages (every copy) while true.</summary>
    public volatile bool DropMessages;

    /// <summary>Drop acknowledgements while true.</summary>
    public volatile bool DropAcks;

    /// <summary>The copies of acknowledged messages sent, in order: (from, to, number, the note's text).</summary>
    public IReadOnlyList<(NodeName From, NodeName To, long Sequence, string? Text)> Sent => [.. _sent];

    public InterposerDecision OnSend(in InterposedMessage message)
    {
        if (message.Message is ForwardEnvelope { Delivery.IsTracked: true } acked)
        {
            _sent.Enqueue((message.From, message.To, acked.Delivery.Sequence, (acked.Message as Note)?.Text));
            return DropMessages ? InterposerDecision.Drop : InterposerDecision.Deliver;
        }

        switch (message.Message is ForwardEnvelope forward ? forward.Message : null)
        {
            case DeliveryEnvelope tracked:
                _sent.Enqueue((message.From, message.To, tracked.Sequence, (tracked.Payload as Note)?.Text));
                return DropMessages ? InterposerDecision.Drop : InterposerDecision.Deliver;
            case DeliveryAck:
                return DropAcks ? InterposerDecision.Drop : InterposerDecision.Deliver;
            default:
                return InterposerDecision.Deliver;
        }
    }

    public InterposerDecision OnReceive(in InterposedMessage message) => InterposerDecision.Deliver;
}

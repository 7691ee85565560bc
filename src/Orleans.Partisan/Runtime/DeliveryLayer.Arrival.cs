using System.Diagnostics;
using Orleans.Partisan.Protocols.Delivery;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>The receiving side's first step: a tracked message arrives, is de-duplicated and ordered by its key, and is queued or buffered.</summary>
internal sealed partial class DeliveryLayer
{
    /// <summary>A tracked message arrived from <paramref name="from"/> (directly or relayed). Never throws.</summary>
    /// <remarks>
    /// The numbers (<paramref name="stamp"/>) come from the envelope's <see cref="DeliveryHeader"/>, or with the label
    /// and causal stamp from a <see cref="DeliveryEnvelope"/>; <paramref name="payload"/> is <see langword="null"/> for a causal placeholder.
    /// </remarks>
    public void OnArrival(NodeName from, string channel, PartisanTarget target, bool isCast, CallHeader call, AckStamp stamp, string? label, CausalStamp? causal, object? payload)
        => Arrive(new IncomingDelivery(from, channel, target, payload, isCast, stamp.Session, stamp.Sequence, label, causal, Call: call), stamp);

    /// <summary>
    /// An acknowledged forward arrived on a connection as the <see cref="ReceivedMessage"/> its receiver gets, with its
    /// <see cref="ReceivedMessage.Target"/> (<see cref="LocalDispatcher.Deliver(ReceivedMessage, DeliveryHeader)"/>):
    /// delivered as it is, once. Never throws.
    /// </summary>
    public void OnArrival(ReceivedMessage received, AckStamp stamp)
        => Arrive(new IncomingDelivery(received.From, received.Channel, received.Target!, received.Message, received.IsCast, stamp.Session, stamp.Sequence, Label: null, Causal: null, Received: received), stamp);

    private void Arrive(in IncomingDelivery item, AckStamp stamp)
    {
        var from = item.From;
        bool drains;
        IncomingDelivery next = default;
        var flush = AckFlush.None;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var arrival = _receiver.Receive(from, stamp, item);
            if (arrival.Released.Count > 0)
            {
                foreach (var released in arrival.Released)
                {
                    Accept(released.Item);
                }
            }

            switch (arrival.Outcome)
            {
                case AckOutcome.Accepted:
                    Accept(item);
                    break;
                case AckOutcome.Duplicate:
                    PartisanMetrics.Duplicates.Add(1, new TagList { { "reason", "delivered" } });
                    AckDue(from);
                    break;
                case AckOutcome.InProgress:
                    PartisanMetrics.Duplicates.Add(1, new TagList { { "reason", "in-progress" } });
                    break;
                case AckOutcome.Stale:
                    PartisanMetrics.Duplicates.Add(1, new TagList { { "reason", "old-session" } });
                    break;
                case AckOutcome.Refused:
                    DeliveryLog.Refused(_logger, stamp.Sequence, from);
                    break;
                case AckOutcome.Invalid:
                    Invalid(from, $"inconsistent numbers {stamp}");
                    break;
            }

            drains = TryStartDraining() && TryTakeNext(null, out next, out flush);
        }

        Flush(flush);
        if (drains)
        {
            DrainFrom(next);
        }
    }

    /// <summary>
    /// Hands a message the ack layer accepted (or this node sent itself) to the causal buffer, or queues it for
    /// delivery. Under the lock.
    /// </summary>
    private void Accept(in IncomingDelivery item)
    {
        if (item.Label is not { } label)
        {
            _ready.Enqueue(item);
            return;
        }

        if (item.Causal is null)
        {
            Invalid(item.From, $"a message of causal label {label} came without its stamp");
            Done(item);
            return;
        }

        var arrival = _causal.Receive(label, item.From, item.Causal, item);
        switch (arrival.Outcome)
        {
            case CausalOutcome.Delivered:
                foreach (var ready in arrival.Deliver)
                {
                    _ready.Enqueue(ready);
                }

                break;
            case CausalOutcome.Buffered:
                PartisanMetrics.CausalBuffered.Add(1);
                break;
            case CausalOutcome.Duplicate:
                Done(item);
                break;
            case CausalOutcome.AlreadyBuffered:
                Abandon(item);
                break;
            case CausalOutcome.Overflow:
                PartisanMetrics.CausalOverflow.Add(1);
                DeliveryLog.CausalOverflow(_logger, label, _causal.MaxBufferedPerLabel, item.From);
                Abandon(item);
                break;
            case CausalOutcome.Departed:
                PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", "causal-departed" } });
                Abandon(item);
                break;
            case CausalOutcome.Invalid:
                Invalid(item.From, arrival.Problem ?? "invalid causal stamp");
                Done(item);
                break;
        }
    }
}

using Orleans.Partisan.Protocols.Delivery;

namespace Orleans.Partisan.Simulation;

/// <summary>The receiving side: packets arrive, the ack layer and the causal buffer decide, the application delivers.</summary>
internal sealed partial class DeliverySimulator
{
    private readonly Queue<DeliveryItem> _accepted = new();
    private readonly List<int> _ackDue = [];

    private void OnArrive(in DeliveryEvent arrival)
    {
        if (EpochOf(arrival.Peer, arrival.Node) != arrival.Epoch)
        {
            Result.LostToResets++;
            return;
        }

        var node = _nodes[arrival.Node];
        switch (arrival.Packet)
        {
            case DataPacket data:
                OnData(node, arrival.Peer, data);
                break;
            case AckPacket ack:
                OnAck(node, arrival.Peer, ack.Report);
                break;
        }
    }

    private void OnData(DeliverySimNode node, int from, DataPacket data)
    {
        var item = new DeliveryItem(from, data.Stamp.Session, data.Stamp.Sequence, data.Message);
        var arrival = node.Receiver.Receive(_nodes[from].Name, data.Stamp, item);
        foreach (var released in arrival.Released)
        {
            _accepted.Enqueue(released.Item);
        }

        switch (arrival.Outcome)
        {
            case AckOutcome.Accepted:
                _accepted.Enqueue(item);
                break;
            case AckOutcome.Duplicate:
                Result.DuplicatesDropped++;
                _ackDue.Add(from);
                break;
            case AckOutcome.InProgress:
                Result.InProgressDropped++;
                break;
            case AckOutcome.Held:
                Result.HeldForPredecessor++;
                break;
            case AckOutcome.Refused:
                Result.Refused++;
                break;
            case AckOutcome.Stale:
                // A late copy from before its sender, idle in between, opened a new session: delivered already.
                Result.StaleDropped++;
                break;
            default:
                throw Failure($"{node}'s ack layer answered {arrival.Outcome} to message {data.Message.Id} from n{from}");
        }

        ProcessAccepted(node);
        SendAcks(node);
    }

    /// <summary>Hands accepted messages to the causal buffer or the application, until none is left (a delivery can release more).</summary>
    private void ProcessAccepted(DeliverySimNode node)
    {
        while (_accepted.TryDequeue(out var item))
        {
            if (item.Message.Label is not { } label)
            {
                Deliver(node, item);
                continue;
            }

            var from = _nodes[item.From].Name;
            var causal = node.Causal.Receive(label, from, item.Message.Stamp!, item);
            switch (causal.Outcome)
            {
                case CausalOutcome.Delivered:
                    foreach (var delivered in causal.Deliver)
                    {
                        Deliver(node, delivered);
                    }

                    break;
                case CausalOutcome.Buffered:
                    Result.CausalBuffered++;
                    Result.MaxCausalWaiting = Math.Max(Result.MaxCausalWaiting, node.Causal.BufferedCount(label));
                    break;
                case CausalOutcome.Duplicate:
                    Complete(node, item);
                    break;
                case CausalOutcome.AlreadyBuffered:
                    node.Receiver.Abandoned(from, item.Session, item.Sequence);
                    break;
                case CausalOutcome.Overflow:
                    Result.CausalOverflows++;
                    node.Receiver.Abandoned(from, item.Session, item.Sequence);
                    break;
                default:
                    throw Failure($"{node}'s causal buffer answered {causal.Outcome} ({causal.Problem}) to message {item.Message.Id} from n{item.From}");
            }
        }
    }

    private void Deliver(DeliverySimNode node, DeliveryItem item)
    {
        Checker.Delivered(node.Index, item.Message);
        Causal?.Delivered(node.Index, item.Message);
        Complete(node, item);
    }

    /// <summary>Tells the ack layer <paramref name="item"/> is done: it is acknowledged, and what waited for it is accepted.</summary>
    private void Complete(DeliverySimNode node, DeliveryItem item)
    {
        foreach (var released in node.Receiver.Completed(_nodes[item.From].Name, item.Session, item.Sequence))
        {
            _accepted.Enqueue(released.Item);
        }

        _ackDue.Add(item.From);
    }

    private void SendAcks(DeliverySimNode node)
    {
        foreach (var to in _ackDue)
        {
            if (node.Receiver.TakeReport(_nodes[to].Name) is { } report)
            {
                Transmit(node.Index, to, new AckPacket(report));
                Result.AckTransmissions++;
            }
        }

        _ackDue.Clear();
    }

    private void OnAck(DeliverySimNode node, int from, AckReport report)
    {
        foreach (var message in node.Tracker.OnAck(_nodes[from].Name, report))
        {
            Checker.Acked(message);
            Result.Acked++;
            Result.Duration = Now;
        }

        SendWaiting(node, from);
        ScheduleTick(node);
    }
}

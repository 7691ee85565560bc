namespace Orleans.Partisan.Simulation;

/// <summary>
/// Checks causal order against the happens-before relation recorded independently of the cores: each
/// message records, as a set of message numbers, its sender's causal past when it was sent (the messages
/// the sender sent and delivered before, and their pasts, on the same label); when a node delivers a message,
/// every message of that past addressed to this node must have been delivered here already.
/// </summary>
/// <remarks>
/// Labels are per group and groups are disjoint, so each node has one history, and messages are numbered
/// per group (so a history is as long as its group's traffic, not the whole run's).
/// </remarks>
internal sealed class CausalChecker(int seed, int nodes, int groupSize)
{
    private readonly Dictionary<int, int> _numberInGroup = [];
    private readonly int[] _groupCounts = new int[(nodes + groupSize - 1) / groupSize];
    private readonly BitSet[] _past = [.. Enumerable.Range(0, nodes).Select(_ => new BitSet())];
    private readonly BitSet[] _deliveredAt = [.. Enumerable.Range(0, nodes).Select(_ => new BitSet())];
    private readonly BitSet[] _addressedTo = [.. Enumerable.Range(0, nodes).Select(_ => new BitSet())];
    private readonly Dictionary<int, BitSet> _pastAtSend = [];

    /// <summary>How many deliveries were checked.</summary>
    public long Checked { get; private set; }

    /// <summary>The application sent <paramref name="message"/>.</summary>
    public void Sent(DeliverySimMessage message)
    {
        var number = _groupCounts[message.From / groupSize]++;
        _numberInGroup[message.Id] = number;
        var past = _past[message.From];
        _pastAtSend[message.Id] = past.Clone();
        past.Set(number);
        _addressedTo[message.To].Set(number);
    }

    /// <summary>Node <paramref name="at"/> delivered <paramref name="message"/>.</summary>
    public void Delivered(int at, DeliverySimMessage message)
    {
        if (!_pastAtSend.Remove(message.Id, out var past))
        {
            throw new SimulationException(seed, $"Message {message.Id} was delivered but its send was not recorded (or it was delivered twice)");
        }

        _numberInGroup.Remove(message.Id, out var number);
        var missing = past.FirstIn(_addressedTo[at], _deliveredAt[at]);
        if (missing >= 0)
        {
            throw new SimulationException(seed, $"Causal order broken at n{at}: message {message.Id} from n{message.From} was delivered before the group's message number {missing}, which happened before it");
        }

        Checked++;
        _deliveredAt[at].Set(number);
        _past[at].Or(past);
        _past[at].Set(number);
    }
}

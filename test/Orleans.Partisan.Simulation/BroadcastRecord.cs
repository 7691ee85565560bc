using Orleans.Partisan.Protocols.Broadcast;

namespace Orleans.Partisan.Simulation;

/// <summary>
/// One broadcast of a simulation and what became of it: who delivered it (the handler merged it as new),
/// at which hop and when, and the messages it cost. Written by every worker of a simulation: the deliveries under a
/// lock, the message counts with atomic increments (nodes deliver at most once, and the latest time and hop are
/// maxima, so the result does not depend on the order the workers reach it).
/// </summary>
internal sealed class BroadcastRecord
{
    private readonly HashSet<int> _delivered = [];
    private long _payloadMessages;
    private long _grafts;

    internal BroadcastRecord(BroadcastMessageKey key, int root, TimeSpan sentAt)
    {
        Key = key;
        Root = root;
        SentAt = sentAt;
        LastDeliveryAt = sentAt;
        Deliver(root, 0, sentAt);
    }

    /// <summary>The handler and the message's identity.</summary>
    public BroadcastMessageKey Key { get; }

    /// <summary>The number of the node that broadcast it.</summary>
    public int Root { get; }

    /// <summary>When it was broadcast.</summary>
    public TimeSpan SentAt { get; }

    /// <summary>The nodes that delivered it, the root included.</summary>
    public int Deliveries => _delivered.Count;

    /// <summary>The nodes that took it from an anti-entropy exchange rather than from a GOSSIP.</summary>
    public int ExchangeDeliveries { get; private set; }

    /// <summary>GOSSIP messages carrying it (eager pushes and graft answers) handed to a connection: the paper's m.</summary>
    public long PayloadMessages => Interlocked.Read(ref _payloadMessages);

    /// <summary>GRAFT messages for it handed to a connection.</summary>
    public long Grafts => Interlocked.Read(ref _grafts);

    /// <summary>The largest round (hops from the root) at which a node delivered it from a GOSSIP: the paper's last delivery hop.</summary>
    public int LastDeliveryHop { get; private set; }

    /// <summary>When the last node delivered it (from a GOSSIP or an exchange).</summary>
    public TimeSpan LastDeliveryAt { get; private set; }

    /// <summary>Whether node <paramref name="node"/> delivered it.</summary>
    public bool DeliveredAt(int node) => _delivered.Contains(node);

    /// <summary>
    /// The relative message redundancy of the paper, m / (n − 1) − 1, with m the payload messages and n
    /// the nodes that delivered it; 0 when a single node did.
    /// </summary>
    public double Rmr => Deliveries > 1 ? (PayloadMessages / (double)(Deliveries - 1)) - 1 : 0;

    /// <summary>The live nodes of <paramref name="sim"/> that delivered it.</summary>
    public int DeliveredLive(Simulator sim)
    {
        ArgumentNullException.ThrowIfNull(sim);
        var count = 0;
        foreach (var node in _delivered)
        {
            if (sim[node].Alive)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The fraction of the live nodes of <paramref name="sim"/> that delivered it.</summary>
    public double Reliability(Simulator sim) => sim.LiveCount == 0 ? 1 : DeliveredLive(sim) / (double)sim.LiveCount;

    /// <summary>The live nodes of <paramref name="sim"/> that did not deliver it, ascending.</summary>
    public List<int> MissingLive(Simulator sim)
    {
        ArgumentNullException.ThrowIfNull(sim);
        var missing = new List<int>();
        foreach (var node in sim.Live)
        {
            if (!_delivered.Contains(node.Index))
            {
                missing.Add(node.Index);
            }
        }

        return missing;
    }

    internal void AddPayloadMessage() => Interlocked.Increment(ref _payloadMessages);

    internal void AddGraft() => Interlocked.Increment(ref _grafts);

    internal void Deliver(int node, int hop, TimeSpan at)
    {
        lock (_delivered)
        {
            if (_delivered.Add(node))
            {
                LastDeliveryHop = Math.Max(LastDeliveryHop, hop);
                LastDeliveryAt = at > LastDeliveryAt ? at : LastDeliveryAt;
            }
        }
    }

    internal void DeliverByExchange(int node, TimeSpan at)
    {
        lock (_delivered)
        {
            if (_delivered.Add(node))
            {
                ExchangeDeliveries++;
                LastDeliveryAt = at > LastDeliveryAt ? at : LastDeliveryAt;
            }
        }
    }

    /// <inheritdoc />
    public override string ToString()
        => $"{Key.MessageId} from {Root}: {Deliveries} deliveries ({ExchangeDeliveries} by exchange), m={PayloadMessages}, RMR={Rmr:0.###}, last hop {LastDeliveryHop}";
}

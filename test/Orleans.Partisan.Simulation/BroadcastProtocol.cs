using Orleans.Partisan.Protocols.Broadcast;

namespace Orleans.Partisan.Simulation;

/// <summary>
/// A broadcast protocol every node of a simulation runs beside its peer service (<see cref="Simulator.AddBroadcast"/>):
/// how to build a node's core, whether anti-entropy exchanges are carried out, its counters and its broadcasts.
/// </summary>
internal sealed class BroadcastProtocol
{
    private readonly Dictionary<BroadcastMessageKey, BroadcastRecord> _records = [];
    private readonly List<BroadcastRecord> _ordered = [];

    private readonly BroadcastCounters _counters = new();

    internal BroadcastProtocol(int number, string name, Func<NodeName, Random, IBroadcastCore> factory, bool exchanges, int workers)
    {
        Number = number;
        Name = name;
        Factory = factory;
        Exchanges = exchanges;
        WorkerCounters = new BroadcastCounters[workers];
        for (var i = 0; i < workers; i++)
        {
            WorkerCounters[i] = new BroadcastCounters();
        }
    }

    /// <summary>The protocol's number in the simulation.</summary>
    public int Number { get; }

    /// <summary>The protocol's name, for reports.</summary>
    public string Name { get; }

    /// <summary>
    /// Whether an <see cref="ExchangeEffect"/> is carried out (the two handlers' stores are merged after a
    /// round trip, if both nodes live and reach each other); otherwise it is only counted.
    /// </summary>
    public bool Exchanges { get; set; }

    /// <summary>What the protocol's cores sent and asked (what every worker counted, summed when read).</summary>
    public BroadcastCounters Counters
    {
        get
        {
            foreach (var counters in WorkerCounters)
            {
                _counters.AddAndClear(counters);
            }

            return _counters;
        }
    }

    /// <summary>By worker: what its events counted since <see cref="Counters"/> last summed them.</summary>
    internal BroadcastCounters[] WorkerCounters { get; }

    /// <summary>Every broadcast of this protocol, in the order they were made.</summary>
    public IReadOnlyList<BroadcastRecord> Broadcasts => _ordered;

    internal Func<NodeName, Random, IBroadcastCore> Factory { get; }

    internal BroadcastRecord? Find(BroadcastMessageKey key) => _records.GetValueOrDefault(key);

    internal void Add(BroadcastRecord record)
    {
        _records.Add(record.Key, record);
        _ordered.Add(record);
    }
}

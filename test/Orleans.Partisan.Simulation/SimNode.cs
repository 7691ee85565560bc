using Orleans.Partisan.Protocols;

namespace Orleans.Partisan.Simulation;

/// <summary>
/// One node of a simulation: a name (fixed for the node's number), the core of its current
/// incarnation, its random source, its connections and what it observed.
/// </summary>
/// <remarks>A restart under the same name keeps the node (and its number) with a new core; under a new name it is a new node.</remarks>
internal sealed class SimNode
{
    private readonly List<ObservedEvent> _observed = [];

    internal SimNode(int index, NodeSpec spec, IPeerServiceCore core, Random random, SimWorker worker, int seed)
    {
        Index = index;
        Spec = spec;
        Core = core;
        Random = random;
        Worker = worker;
        Network = new SimRandom(seed, index, 1);
        Jitter = new SimRandom(seed, index, 2);
    }

    /// <summary>The node's number in the simulation.</summary>
    public int Index { get; }

    /// <summary>The node's spec (its name does not change).</summary>
    public NodeSpec Spec { get; }

    /// <summary>The node's name.</summary>
    public NodeName Name => Spec.Name;

    /// <summary>The core of the current incarnation.</summary>
    public IPeerServiceCore Core { get; internal set; }

    /// <summary>The seeded random source given to the current core.</summary>
    public Random Random { get; internal set; }

    /// <summary>Whether the node runs (false after a crash, until a restart).</summary>
    public bool Alive { get; internal set; } = true;

    /// <summary>Counts the node's crashes: timers and events of an earlier incarnation are ignored.</summary>
    public int Incarnation { get; internal set; }

    /// <summary>Messages handed to this node's core.</summary>
    public long Received { get; internal set; }

    /// <summary>What the node observed, oldest first (if <see cref="SimulationOptions.RecordObservations"/>).</summary>
    public IReadOnlyList<ObservedEvent> Observed => _observed;

    /// <summary>Outbound links by peer number.</summary>
    internal Dictionary<int, Link> Outbound { get; } = [];

    /// <summary>
    /// By sender: the newest epoch of a link from that sender to this node that broke (a crash or a cut);
    /// a message stamped with it or an older one was in flight when the link broke and is lost. Written
    /// between windows only, so the recipient never reads the sender's links.
    /// </summary>
    internal Dictionary<int, long>? DeadEpochs { get; set; }

    /// <summary>The worker that runs this node's events.</summary>
    internal SimWorker Worker { get; }

    /// <summary>The node's draws as a sender: latencies, losses, dials (kept across restarts).</summary>
    internal SimRandom Network { get; }

    /// <summary>The node's timer jitter draws (kept across restarts).</summary>
    internal SimRandom Jitter { get; }

    /// <summary>The hash of every step traced at this node, in the node's order (<see cref="Simulator.TraceHash"/> combines them).</summary>
    internal ulong TraceHash { get; set; } = StableHash.Initial;

    /// <summary>The last token handed out for the node's epochs, dials, notices and timer generations.</summary>
    internal long LastToken { get; set; }

    /// <summary>Events this node has scheduled: the last part of <see cref="EventKey"/>.</summary>
    internal long Scheduled { get; set; }

    /// <summary>The node's part of each broadcast protocol, by the protocol's number (<see cref="Simulator.AddBroadcast"/>).</summary>
    internal List<BroadcastInstance> Broadcasts { get; } = [];

    /// <summary>Armed timers by name.</summary>
    internal Dictionary<CoreTimer, TimerSlot> Timers { get; } = [];

    /// <summary>The current core as <typeparamref name="T"/>.</summary>
    public T CoreAs<T>()
        where T : IPeerServiceCore
        => Core is T core ? core : throw new InvalidCastException($"Node {Name} runs a {Core.GetType().Name}, not a {typeof(T).Name}.");

    /// <summary>The peers this node has an open connection to (<c>PeerUp</c> reported), by number, ascending.</summary>
    public IReadOnlyList<int> ConnectedPeers()
    {
        var peers = new List<int>();
        foreach (var (peer, link) in Outbound)
        {
            if (link.State == LinkState.Open)
            {
                peers.Add(peer);
            }
        }

        peers.Sort();
        return peers;
    }

    /// <summary>The observations of <paramref name="kind"/>.</summary>
    public IEnumerable<ObservedEvent> ObservedOf(ObservedKind kind)
    {
        foreach (var observed in _observed)
        {
            if (observed.Kind == kind)
            {
                yield return observed;
            }
        }
    }

    internal void Observe(in ObservedEvent observed) => _observed.Add(observed);

    /// <inheritdoc />
    public override string ToString() => $"{Name}#{Index}{(Alive ? "" : " (dead)")}";

    /// <summary>An armed timer: firings of an older generation are ignored (re-arming replaces).</summary>
    internal readonly record struct TimerSlot(long Generation, long DueTicks, bool Periodic);
}

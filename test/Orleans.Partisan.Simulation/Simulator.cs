using System.Net;
using Orleans.Partisan.Protocols;

namespace Orleans.Partisan.Simulation;

/// <summary>
/// A deterministic simulation of N peer-service cores over a simulated network, in virtual time:
/// one loop takes events in the order of <see cref="EventKey"/> (time, destination, source, the source's
/// sequence) and keeps the promises of <see cref="IPeerServiceCore"/> to every core, as
/// <c>PeerServiceDriver</c> and the transport do in real time. No clock, no task: the same seed gives
/// the same run, with one worker or several (<see cref="SimulationOptions.Workers"/>; see <c>Simulator.Loop.cs</c>).
/// </summary>
/// <remarks>
/// <para>The network model (see <c>README.md</c> beside this file for the reasons):</para>
/// <list type="bullet">
/// <item>Every message draws a latency in [<see cref="SimulationOptions.MinLatency"/>, <see cref="SimulationOptions.MaxLatency"/>]
/// from its sender's seeded source, and is lost with probability <see cref="SimulationOptions.LossRate"/>;
/// on one directed link nothing overtakes an earlier message (FIFO).</item>
/// <item>A <see cref="ConnectEffect"/> from A to B opens A→B one latency later if B is alive and
/// reachable, then flushes the messages that waited for it and calls <c>A.PeerUp(B)</c>. Otherwise
/// the connection is <em>parked</em>: nothing is scheduled, and it opens one latency after B
/// restarts under its name or the partition heals, as long as A still wants it (the real transport
/// redials until the core disconnects).</item>
/// <item>A <see cref="DisconnectEffect"/> closes A→B gracefully: what is in flight still arrives, what
/// waits is dropped, and A gets <c>PeerDown(B)</c> if B was up.</item>
/// <item>When B crashes, or a partition separates A and B, open links between them break: what is in
/// flight is lost, and each side that had the link open gets <c>PeerDown</c> one latency later
/// (reset or timeout). Until then what it writes there is lost.</item>
/// <item>Timers fire in virtual time on the node's loop; re-arming replaces; a crash cancels them.</item>
/// </list>
/// <para>A node's number stands for its name: a restart under the same name keeps the number; under a
/// new name it is a new node and the old one stays dead.</para>
/// </remarks>
internal sealed partial class Simulator
{
    private readonly Func<NodeSpec, Random, IPeerServiceCore> _coreFactory;
    private readonly Random _seeds;
    private readonly List<SimNode> _nodes = [];
    private readonly Dictionary<NodeName, int> _byName = [];
    private readonly Partitions _partitions = new();
    private readonly NetworkCounters _counters = new();
    private readonly long _minLatency;
    private readonly long _maxLatency;
    private readonly long _timerJitter;
    private long _now;
    private double _lossRate;

    /// <summary>Creates an empty simulation.</summary>
    /// <param name="options">The seed and the network model.</param>
    /// <param name="coreFactory">Builds the core of a node (or of a restarted node) from its spec and its own seeded random source.</param>
    public Simulator(SimulationOptions options, Func<NodeSpec, Random, IPeerServiceCore> coreFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(coreFactory);
        options.Validate();
        Options = options;
        _coreFactory = coreFactory;
        _seeds = new Random(options.Seed);
        Random = new Random(_seeds.Next());
        _minLatency = options.MinLatency.Ticks;
        _maxLatency = options.MaxLatency.Ticks;
        _timerJitter = options.TimerJitter.Ticks;
        _lossRate = options.LossRate;
        _lookahead = Math.Max(1, _minLatency);
        _workers = new SimWorker[options.Workers];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new SimWorker(i, _workers.Length);
        }

        if (_workers.Length > 1)
        {
            _threads = new WorkerThreads(_workers.Length, RunWindowOf);
        }
    }

    /// <summary>The seed and the network model.</summary>
    public SimulationOptions Options { get; }

    /// <summary>The seed of this run; failures carry it as <c>seed=N</c>.</summary>
    public int Seed => Options.Seed;

    /// <summary>
    /// A seeded source for the scenario's own choices (which nodes to crash, whom to join through),
    /// separate from the network's and the nodes', so that such choices do not shift their draws.
    /// </summary>
    public Random Random { get; }

    /// <summary>
    /// The probability that a message handed to an open connection is lost; starts at
    /// <see cref="SimulationOptions.LossRate"/> and may change during a run (a flaky period that ends).
    /// </summary>
    public double LossRate
    {
        get => _lossRate;
        set
        {
            if (value is < 0 or >= 1 || double.IsNaN(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"A loss rate is in [0, 1) (seed={Seed}).");
            }

            _lossRate = value;
        }
    }

    /// <summary>The virtual time.</summary>
    public TimeSpan Now => new(_now);

    /// <summary>The message counters (what every worker counted, summed when read).</summary>
    public NetworkCounters Counters
    {
        get
        {
            foreach (var worker in _workers)
            {
                _counters.AddAndClear(worker.Counters);
            }

            return _counters;
        }
    }

    /// <summary>Events processed so far.</summary>
    public long Steps
    {
        get
        {
            long steps = 0;
            foreach (var worker in _workers)
            {
                steps += worker.Steps;
            }

            return steps;
        }
    }

    /// <summary>
    /// A hash of every traced step (time, kind, node, peer, and the message's type or the timer's
    /// name), the same in every process and with any number of workers: each node hashes its own steps
    /// in its order, and this combines the nodes' hashes in node order. Two runs of one seed end with the same hash.
    /// </summary>
    public ulong TraceHash
    {
        get
        {
            var hash = StableHash.Initial;
            foreach (var node in _nodes)
            {
                hash = StableHash.Add(hash, (long)node.TraceHash);
            }

            return hash;
        }
    }

    /// <summary>Called for every traced step, for tests that record a run.</summary>
    public Action<TraceEntry>? OnTrace { get; set; }

    /// <summary>Every node ever created, by number (dead ones too).</summary>
    public IReadOnlyList<SimNode> Nodes => _nodes;

    /// <summary>The node numbered <paramref name="index"/>.</summary>
    public SimNode this[int index] => _nodes[index];

    /// <summary>The number of nodes ever created.</summary>
    public int Count => _nodes.Count;

    /// <summary>The number of live nodes.</summary>
    public int LiveCount { get; private set; }

    /// <summary>Messages sent and neither delivered nor lost yet.</summary>
    public long InFlight => Sum(static w => w.InFlight);

    /// <summary>Handshakes under way (connections to dead or partitioned nodes are parked, not pending).</summary>
    public long PendingConnects => Sum(static w => w.PendingConnects);

    /// <summary>
    /// Whether nothing is in motion: no message in flight, no handshake under way, no connection
    /// loss still to be reported, no broadcast handler call or exchange under way. Armed timers (periodic ones never end) and parked connections do not count.
    /// </summary>
    public bool IsQuiescent
        => InFlight == 0 && PendingConnects == 0 && Sum(static w => w.PendingNotices) == 0 && Sum(static w => w.PendingHandlerCalls) == 0
            && Sum(static w => w.PendingExchanges) == 0 && Sum(static w => w.PendingProbes) == 0;

    /// <summary>The live nodes, by number.</summary>
    public IEnumerable<SimNode> Live
    {
        get
        {
            foreach (var node in _nodes)
            {
                if (node.Alive)
                {
                    yield return node;
                }
            }
        }
    }

    /// <summary>The spec the simulation gives node <paramref name="index"/>: its name, address 10.x.y.z and the default channel.</summary>
    public static NodeSpec SpecFor(int index, string name)
        => new(
            new NodeName(name),
            [new IPEndPoint(new IPAddress([10, (byte)(index >> 16), (byte)(index >> 8), (byte)index]), 11111)],
            [new KeyValuePair<string, ChannelOptions>(PartisanChannels.Default, new ChannelOptions())]);

    /// <summary>The number of the node named <paramref name="name"/>.</summary>
    public bool TryGetIndex(NodeName name, out int index) => _byName.TryGetValue(name, out index);

    /// <summary>The number of the node named <paramref name="name"/>; throws if there is none.</summary>
    public int IndexOf(NodeName name)
        => _byName.TryGetValue(name, out var index) ? index : throw Failure($"No node is named {name}");

    /// <summary>Adds a node (named <c>n{number}</c> unless <paramref name="name"/> is given), builds its core and starts it.</summary>
    /// <returns>The node's number.</returns>
    public int AddNode(string? name = null) => AddNode(name, addressOf: null);

    /// <summary>Adds a node as <see cref="AddNode(string?)"/>, listening at the address of node <paramref name="addressOf"/> when given.</summary>
    private int AddNode(string? name, int? addressOf)
    {
        var index = _nodes.Count;
        var spec = SpecFor(addressOf ?? index, name ?? $"n{index}");
        if (_byName.ContainsKey(spec.Name))
        {
            throw new ArgumentException($"A node is already named {spec.Name} (seed={Seed}).", nameof(name));
        }

        var random = new Random(_seeds.Next());
        var node = new SimNode(index, spec, _coreFactory(spec, random), random, _workers[index % _workers.Length], Seed);
        _nodes.Add(node);
        _byName.Add(spec.Name, index);
        LiveCount++;
        Run(node, "Start", static core => core.Start());
        StartBroadcasts(node);
        return index;
    }

    /// <summary>Adds <paramref name="count"/> nodes; returns the number of the first.</summary>
    public int AddNodes(int count)
    {
        var first = _nodes.Count;
        for (var i = 0; i < count; i++)
        {
            AddNode();
        }

        return first;
    }

    /// <summary>Node <paramref name="node"/> joins through <paramref name="contact"/>.</summary>
    public void Join(int node, int contact)
    {
        var spec = _nodes[contact].Spec;
        Run(Living(node), "Join", core => core.Join(spec));
    }

    /// <summary>Node <paramref name="node"/> leaves gracefully.</summary>
    public void Leave(int node) => Remove(node, _nodes[node].Name);

    /// <summary>Node <paramref name="node"/> removes <paramref name="removed"/> from the overlay (itself: a leave).</summary>
    public void Remove(int node, NodeName removed) => Run(Living(node), "Leave", core => core.Leave(removed));

    /// <summary>Calls the core of live node <paramref name="node"/> and carries out the effects it returns, now.</summary>
    public void Execute(int node, Func<IPeerServiceCore, IReadOnlyList<PeerServiceEffect>> call) => Run(Living(node), "a call", call);

    /// <summary>Whether <paramref name="from"/>'s connection to <paramref name="to"/> is open (<c>PeerUp</c> reported).</summary>
    public bool IsConnected(int from, int to)
        => _nodes[from].Outbound.TryGetValue(to, out var link) && link.State == LinkState.Open;

    /// <summary>An exception naming the seed, the virtual time and the counters.</summary>
    public SimulationException Failure(string message, Exception? inner = null)
        => new(Seed, $"{message} [at {Now}, step {Steps}, {_counters}]", inner);

    /// <summary>An exception naming the seed and the virtual time of the event a worker was processing.</summary>
    private SimulationException Failure(SimWorker worker, string message, Exception? inner = null)
        => new(Seed, $"{message} [at {new TimeSpan(worker.Now)}, worker {worker.Id}, step {worker.Steps} of that worker]", inner);

    private SimNode Living(int index)
    {
        var node = _nodes[index];
        return node.Alive ? node : throw Failure($"Node {node} is not alive");
    }

    private void Run(SimNode node, string what, Func<IPeerServiceCore, IReadOnlyList<PeerServiceEffect>> call)
    {
        IReadOnlyList<PeerServiceEffect> effects;
        try
        {
            effects = call(node.Core);
        }
        catch (Exception exception) when (exception is not SimulationException)
        {
            throw Failure($"{what} on {node} threw {exception.GetType().Name}: {exception.Message}", exception);
        }

        Execute(node, effects);
    }

    /// <summary>A new token of <paramref name="node"/>'s (epochs, dials, notices, timer generations): the node's own counter.</summary>
    private static long NextToken(SimNode node) => ++node.LastToken;

    private long Sum(Func<SimWorker, long> count)
    {
        long total = 0;
        foreach (var worker in _workers)
        {
            total += count(worker);
        }

        return total;
    }

    /// <summary>A latency drawn from <paramref name="node"/>'s own stream (the sender's, the dialler's).</summary>
    private long Latency(SimNode node) => _maxLatency == _minLatency ? _minLatency : node.Network.NextInt64(_minLatency, _maxLatency + 1);

    private void Observe(SimNode node, ObservedKind kind, NodeName peer)
    {
        if (Options.RecordObservations)
        {
            node.Observe(new ObservedEvent(new TimeSpan(node.Worker.Now), kind, peer));
        }
    }

    /// <summary>Adds a step to <paramref name="node"/>'s trace hash and, if a test listens, to the window's traced steps.</summary>
    private void Trace(TraceKind kind, SimNode node, int peer, object? payload)
    {
        var worker = node.Worker;
        var hash = StableHash.Add(node.TraceHash, worker.Now);
        hash = StableHash.Add(hash, ((long)kind << 56) ^ ((long)node.Index << 28) ^ (peer & 0xFFFFFFF));
        node.TraceHash = StableHash.Add(hash, (long)PayloadHash(worker, payload));
        if (OnTrace is { } onTrace)
        {
            var entry = new TraceEntry(new TimeSpan(worker.Now), kind, node.Index, peer, payload);
            if (_inWindow)
            {
                worker.Traces.Add((worker.Current, entry));
            }
            else
            {
                onTrace(entry);
            }
        }
    }

    private static ulong PayloadHash(SimWorker worker, object? payload)
    {
        switch (payload)
        {
            case null:
                return 0;
            case string text:
                return StableHash.Of(text);
            case BroadcastEnvelope envelope:
                return PayloadHash(worker, envelope.Message) ^ (ulong)envelope.Protocol;
            default:
                var type = payload.GetType();
                if (!worker.TypeHashes.TryGetValue(type, out var hash))
                {
                    hash = StableHash.Of(type.FullName ?? type.Name);
                    worker.TypeHashes.Add(type, hash);
                }

                return hash;
        }
    }
}

using System.Net;
using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.FullMesh;

namespace Orleans.Partisan.Tests.Protocols;

/// <summary>
/// A deterministic in-memory network of <see cref="FullMeshCore"/> nodes that executes the
/// cores' effects. Delivery order is chosen by a seeded <see cref="Random"/>, so a failing run
/// is replayed from its seed.
/// </summary>
/// <remarks>
/// Model:
/// <list type="bullet">
/// <item>Connections are directional: a <see cref="ConnectEffect"/> at A to a live B opens A→B
/// (B is "connected from A") and calls <c>A.PeerUp(B)</c>; a <see cref="DisconnectEffect"/> closes it.</item>
/// <item>A <see cref="SendEffect"/> is accepted only if the sender has a connection to the
/// recipient at that moment (else it is dropped); an accepted message is delivered later,
/// FIFO per (sender, recipient) link, if the recipient is alive then. A graceful close flushes
/// what was already written, as TCP does.</item>
/// <item>The next message to deliver is taken from the head of a link picked at random.</item>
/// </list>
/// </remarks>
internal sealed class FullMeshNetwork
{
    private readonly Random _random;
    private readonly List<Node> _slots = [];
    private readonly Dictionary<NodeName, Node> _byName = [];
    private readonly List<Link> _links = [];
    private readonly List<Link> _busy = [];
    private readonly Dictionary<(NodeName From, NodeName To), Link> _linkIndex = [];

    public FullMeshNetwork(int nodeCount, int seed)
    {
        Seed = seed;
        _random = new Random(seed);
        for (var i = 0; i < nodeCount; i++)
        {
            var node = new Node(i, new FullMeshCore(SpecFor(i, $"n{i}"), TimeSpan.FromSeconds(10)));
            _slots.Add(node);
            _byName.Add(node.Name, node);
        }
    }

    /// <summary>The seed of the delivery order.</summary>
    public int Seed { get; }

    /// <summary>Messages delivered so far.</summary>
    public int Delivered { get; private set; }

    /// <summary>Messages dropped so far (no connection when sent, or recipient dead when delivered).</summary>
    public int Dropped { get; private set; }

    /// <summary>The number of node slots.</summary>
    public int Count => _slots.Count;

    /// <summary>The node currently in slot <paramref name="i"/>.</summary>
    public Node this[int i] => _slots[i];

    /// <summary>Every node ever created, by name (crashed and replaced ones too).</summary>
    public IReadOnlyDictionary<NodeName, Node> ByName => _byName;

    /// <summary>Live nodes.</summary>
    public IEnumerable<Node> Alive => _slots.Where(n => n.Alive);

    /// <summary>Messages accepted and not yet delivered.</summary>
    public int InFlight => _links.Sum(l => l.Queue.Count);

    public static NodeSpec SpecFor(int i, string name)
        => new(
            new NodeName(name),
            [new IPEndPoint(IPAddress.Loopback, 10000 + i)],
            [new KeyValuePair<string, ChannelOptions>("default", new ChannelOptions())]);

    public void Join(int i, int contactIndex) => Execute(_slots[i], _slots[i].Core.Join(_slots[contactIndex].Spec));

    public void Leave(int i, int nodeIndex) => Leave(i, _slots[nodeIndex].Name);

    public void Leave(int i, NodeName node) => Execute(_slots[i], _slots[i].Core.Leave(node));

    public void Tick()
    {
        foreach (var node in Alive.ToList())
        {
            Execute(node, node.Core.OnTimer(FullMeshTimer.Gossip.Instance));
        }
    }

    public void Tick(int i) => Execute(_slots[i], _slots[i].Core.OnTimer(FullMeshTimer.Gossip.Instance));

    /// <summary>Delivers <paramref name="message"/> to node <paramref name="i"/> as if <paramref name="from"/> had sent it.</summary>
    public void Inject(NodeName from, int i, object message) => Execute(_slots[i], _slots[i].Core.Handle(from, message));

    /// <summary>Stops node <paramref name="i"/>: its connections close (peers see PeerDown) and nothing reaches it any more.</summary>
    public void Crash(int i)
    {
        var dead = _slots[i];
        dead.Alive = false;
        dead.ConnectedTo.Clear();
        foreach (var node in Alive.ToList())
        {
            if (node.ConnectedTo.Remove(dead.Name))
            {
                Execute(node, node.Core.PeerDown(dead.Name));
            }
        }
    }

    /// <summary>Crashes slot <paramref name="i"/> and starts a new incarnation there under <paramref name="newName"/>, same endpoint.</summary>
    public Node Restart(int i, string newName)
    {
        if (_slots[i].Alive)
        {
            Crash(i);
        }

        var node = new Node(i, new FullMeshCore(SpecFor(i, newName), TimeSpan.FromSeconds(10)));
        _slots[i] = node;
        _byName.Add(node.Name, node);
        return node;
    }

    /// <summary>Whether <paramref name="from"/> has an open connection to <paramref name="to"/>.</summary>
    public bool IsConnected(Node from, Node to) => from.ConnectedTo.Contains(to.Name);

    /// <summary>Delivers one message from a link picked at random; false when nothing is in flight.</summary>
    public bool Step()
    {
        if (_busy.Count == 0)
        {
            return false;
        }

        Deliver(_busy[_random.Next(_busy.Count)]);
        return true;
    }

    /// <summary>Delivers up to <paramref name="count"/> messages.</summary>
    public void Steps(int count)
    {
        for (var i = 0; i < count && Step(); i++)
        {
        }
    }

    /// <summary>Delivers the oldest message in flight from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public void DeliverNext(NodeName from, NodeName to)
    {
        if (!_linkIndex.TryGetValue((from, to), out var link) || link.Queue.Count == 0)
        {
            throw new InvalidOperationException($"Nothing in flight from {from} to {to} (seed {Seed}).");
        }

        Deliver(link);
    }

    /// <summary>The messages in flight from <paramref name="from"/> to <paramref name="to"/>, oldest first.</summary>
    public IReadOnlyList<object> InFlightOn(NodeName from, NodeName to)
        => _linkIndex.TryGetValue((from, to), out var link) ? [.. link.Queue] : [];

    /// <summary>Delivers until nothing is in flight; throws, naming the seed, after <paramref name="maxSteps"/> deliveries.</summary>
    public void RunToQuiescence(int maxSteps = 100_000)
    {
        for (var steps = 0; Step(); steps++)
        {
            if (steps >= maxSteps)
            {
                throw new InvalidOperationException(
                    $"Not quiescent after {maxSteps} deliveries (seed {Seed}, {InFlight} in flight).");
            }
        }
    }

    private void Deliver(Link link)
    {
        var message = link.Queue.Dequeue();
        if (link.Queue.Count == 0)
        {
            _busy.Remove(link);
        }

        if (_byName.TryGetValue(link.To, out var to) && to.Alive)
        {
            Delivered++;
            Execute(to, to.Core.Handle(link.From, message));
        }
        else
        {
            Dropped++;
        }
    }

    private void Execute(Node node, IReadOnlyList<PeerServiceEffect> effects)
    {
        if (!node.Alive)
        {
            return;
        }

        foreach (var effect in effects)
        {
            node.Effects.Add(effect);
            switch (effect)
            {
                case SendEffect send:
                    if (node.ConnectedTo.Contains(send.To))
                    {
                        var link = LinkFor(node.Name, send.To);
                        if (link.Queue.Count == 0)
                        {
                            _busy.Add(link);
                        }

                        link.Queue.Enqueue(send.Message);
                    }
                    else
                    {
                        Dropped++;
                    }

                    break;
                case ConnectEffect connect:
                    if (!node.ConnectedTo.Contains(connect.Peer.Name)
                        && _byName.TryGetValue(connect.Peer.Name, out var peer)
                        && peer.Alive)
                    {
                        node.ConnectedTo.Add(peer.Name);
                        node.EverConnectedTo.Add(peer.Name);
                        Execute(node, node.Core.PeerUp(peer.Name));
                    }

                    break;
                case DisconnectEffect disconnect:
                    if (node.ConnectedTo.Remove(disconnect.Peer))
                    {
                        Execute(node, node.Core.PeerDown(disconnect.Peer));
                    }

                    break;
                case MemberJoinedEffect or MemberLeftEffect or SelfLeftEffect:
                    node.Events.Add(effect);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown effect {effect} (seed {Seed}).");
            }
        }
    }

    private Link LinkFor(NodeName from, NodeName to)
    {
        if (!_linkIndex.TryGetValue((from, to), out var link))
        {
            link = new Link(from, to);
            _linkIndex.Add((from, to), link);
            _links.Add(link);
        }

        return link;
    }

    internal sealed class Node(int index, FullMeshCore core)
    {
        public int Index { get; } = index;

        public FullMeshCore Core { get; } = core;

        public NodeSpec Spec => Core.Self;

        public NodeName Name => Core.Self.Name;

        public bool Alive { get; set; } = true;

        /// <summary>Peers this node has an open connection to.</summary>
        public HashSet<NodeName> ConnectedTo { get; } = [];

        /// <summary>Peers this node ever connected to.</summary>
        public HashSet<NodeName> EverConnectedTo { get; } = [];

        /// <summary>Every effect the core returned, in order.</summary>
        public List<PeerServiceEffect> Effects { get; } = [];

        /// <summary>MemberJoined, MemberLeft and SelfLeft effects, in order.</summary>
        public List<PeerServiceEffect> Events { get; } = [];

        public IReadOnlySet<string> MemberNames => Core.Members.Select(m => m.Name.Value).ToHashSet();

        public override string ToString() => $"{Name}{(Alive ? "" : " (dead)")}: [{string.Join(",", MemberNames.Order())}]";
    }

    private sealed class Link(NodeName from, NodeName to)
    {
        public NodeName From { get; } = from;

        public NodeName To { get; } = to;

        public Queue<object> Queue { get; } = new();
    }
}

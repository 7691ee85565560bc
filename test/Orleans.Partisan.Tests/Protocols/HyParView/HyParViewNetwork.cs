using System.Net;
using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.HyParView;

namespace Orleans.Partisan.Tests.Protocols.HyParView;

/// <summary>
/// A tiny deterministic network of <see cref="HyParViewCore"/> nodes that carries out their effects
/// as the driver contract of <see cref="IPeerServiceCore"/> says, in virtual time. Every choice comes
/// from one seeded <see cref="Random"/>, so a failing run is replayed from its seed.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A <see cref="ConnectEffect"/> starts a connection that completes later, at a step picked at
/// random among deliveries; messages sent meanwhile wait and go first; then <c>PeerUp</c> is called. A
/// connection to a dead node never completes (the real transport redials forever).</item>
/// <item>A <see cref="SendEffect"/> on an open connection is queued FIFO on the (sender, recipient)
/// link, and lost with probability <see cref="LossRate"/>; to a peer not connected nor connecting it is dropped.</item>
/// <item>A <see cref="DisconnectEffect"/> drops waiting messages and closes the connection (what is
/// queued is still delivered, as a graceful close) and calls <c>PeerDown</c> if it was up.
/// A crash calls <c>PeerDown</c> at every node connected to the dead one.</item>
/// <item>Messages take no virtual time; timers fire in due order once nothing is in flight.</item>
/// </list>
/// </remarks>
internal sealed class HyParViewNetwork
{
    private const int MaxWaiting = 16;
    private readonly Random _random;
    private readonly HyParViewOptions _options;
    private readonly List<Node> _nodes = [];
    private readonly Dictionary<NodeName, Node> _byName = [];
    private readonly Dictionary<(NodeName From, NodeName To), Queue<object>> _links = [];
    private readonly List<(NodeName From, NodeName To)> _busy = [];
    private readonly List<(Node From, NodeName To)> _connecting = [];

    public HyParViewNetwork(int count, int seed, HyParViewOptions? options = null)
    {
        Seed = seed;
        _random = new Random(seed);
        _options = options ?? new HyParViewOptions();
        for (var i = 0; i < count; i++)
        {
            Add();
        }
    }

    public int Seed { get; }

    public TimeSpan Now { get; private set; }

    /// <summary>The probability that a message accepted for sending is lost.</summary>
    public double LossRate { get; set; }

    public Node this[int i] => _nodes[i];

    public int Count => _nodes.Count;

    public IEnumerable<Node> Alive => _nodes.Where(n => n.Alive);

    public Node ByName(NodeName name) => _byName[name];

    public static NodeSpec SpecFor(int i)
        => new(new NodeName($"n{i}"), [new IPEndPoint(IPAddress.Loopback, 20000 + i)], [new KeyValuePair<string, ChannelOptions>("default", new ChannelOptions())]);

    public Node Add()
    {
        var i = _nodes.Count;
        var node = new Node(i, new HyParViewCore(SpecFor(i), _options, new Random(_random.Next())));
        _nodes.Add(node);
        _byName.Add(node.Name, node);
        Execute(node, node.Core.Start());
        return node;
    }

    public void Join(int i, int contact) => Execute(_nodes[i], _nodes[i].Core.Join(_nodes[contact].Core.Self));

    public void Leave(int i) => Execute(_nodes[i], _nodes[i].Core.Leave(_nodes[i].Name));

    public void Crash(int i)
    {
        var dead = _nodes[i];
        dead.Alive = false;
        foreach (var node in Alive.ToList())
        {
            if (node.Connected.Remove(dead.Name))
            {
                Execute(node, node.Core.PeerDown(dead.Name));
            }
        }
    }

    /// <summary>Whether a message or a connection is still in flight.</summary>
    public bool Busy => _busy.Count > 0 || _connecting.Count > 0;

    /// <summary>Delivers one message or completes one connection, picked at random; false when nothing is in flight.</summary>
    public bool Step()
    {
        var total = _busy.Count + _connecting.Count;
        if (total == 0)
        {
            return false;
        }

        var pick = _random.Next(total);
        if (pick < _busy.Count)
        {
            Deliver(_busy[pick]);
        }
        else
        {
            var (from, to) = _connecting[pick - _busy.Count];
            _connecting.RemoveAt(pick - _busy.Count);
            Complete(from, to);
        }

        return true;
    }

    public void RunToQuiescence(int maxSteps = 1_000_000)
    {
        for (var steps = 0; Step(); steps++)
        {
            if (steps > maxSteps)
            {
                throw new InvalidOperationException($"Not quiescent after {maxSteps} steps (seed {Seed}).");
            }
        }
    }

    /// <summary>Runs to quiescence, then fires timers in due order (each followed by quiescence) until <paramref name="duration"/> has passed.</summary>
    public void RunFor(TimeSpan duration)
    {
        var end = Now + duration;
        RunToQuiescence();
        while (true)
        {
            var next = Alive.SelectMany(n => n.Timers.Select(t => (Node: n, Name: t.Key, t.Value.Due)))
                .Where(t => t.Due <= end)
                .OrderBy(t => t.Due).ThenBy(t => t.Node.Index).ThenBy(t => t.Name, StringComparer.Ordinal)
                .FirstOrDefault();
            if (next.Node is null)
            {
                Now = end;
                return;
            }

            Now = next.Due;
            Fire(next.Node, next.Name);
            RunToQuiescence();
        }
    }

    /// <summary>Fires timer <paramref name="timer"/> of node <paramref name="i"/> now, armed or not.</summary>
    public void Fire(int i, string timer) => Fire(_nodes[i], timer);

    private void Fire(Node node, string timer)
    {
        if (node.Timers.TryGetValue(timer, out var armed))
        {
            if (armed.Period is { } period)
            {
                node.Timers[timer] = (Now + period, period);
            }
            else
            {
                node.Timers.Remove(timer);
            }
        }

        Execute(node, node.Core.OnTimer(timer));
    }

    /// <summary>The messages in flight from <paramref name="from"/> to <paramref name="to"/>, oldest first.</summary>
    public IReadOnlyList<object> InFlight(NodeName from, NodeName to)
        => _links.TryGetValue((from, to), out var queue) ? [.. queue] : [];

    /// <summary>Delivers the oldest message in flight from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public object DeliverNext(NodeName from, NodeName to)
    {
        if (!_links.TryGetValue((from, to), out var queue) || queue.Count == 0)
        {
            throw new InvalidOperationException($"Nothing in flight from {from} to {to} (seed {Seed}).");
        }

        var message = queue.Peek();
        Deliver((from, to));
        return message;
    }

    /// <summary>Completes every connection being opened, without delivering anything.</summary>
    public void CompleteConnections()
    {
        while (_connecting.Count > 0)
        {
            var (from, to) = _connecting[0];
            _connecting.RemoveAt(0);
            Complete(from, to);
        }
    }

    private void Deliver((NodeName From, NodeName To) key)
    {
        var queue = _links[key];
        var message = queue.Dequeue();
        if (queue.Count == 0)
        {
            _busy.Remove(key);
        }

        var to = _byName[key.To];
        if (to.Alive)
        {
            to.Received.Add((key.From, message));
            Execute(to, to.Core.Handle(key.From, message));
        }
    }

    private void Complete(Node from, NodeName to)
    {
        if (!from.Alive || !from.Waiting.TryGetValue(to, out var waiting))
        {
            return;
        }

        if (!_byName[to].Alive)
        {
            return; // never completes: the peer is dead
        }

        from.Waiting.Remove(to);
        from.Connected.Add(to);
        foreach (var message in waiting)
        {
            Enqueue(from.Name, to, message);
        }

        Execute(from, from.Core.PeerUp(to));
    }

    private void Enqueue(NodeName from, NodeName to, object message)
    {
        if (LossRate > 0 && _random.NextDouble() < LossRate)
        {
            return;
        }

        if (!_links.TryGetValue((from, to), out var queue))
        {
            _links[(from, to)] = queue = new Queue<object>();
        }

        if (queue.Count == 0)
        {
            _busy.Add((from, to));
        }

        queue.Enqueue(message);
    }

    private void Execute(Node node, IReadOnlyList<PeerServiceEffect> effects)
    {
        foreach (var effect in effects)
        {
            if (!node.Alive)
            {
                return;
            }

            node.Effects.Add(effect);
            switch (effect)
            {
                case SendEffect send when node.Connected.Contains(send.To):
                    node.Sent.Add((send.To, send.Message));
                    Enqueue(node.Name, send.To, send.Message);
                    break;
                case SendEffect send when node.Waiting.TryGetValue(send.To, out var waiting):
                    node.Sent.Add((send.To, send.Message));
                    if (waiting.Count == MaxWaiting)
                    {
                        waiting.RemoveAt(0);
                    }

                    waiting.Add(send.Message);
                    break;
                case SendEffect:
                    node.Dropped++;
                    break;
                case ConnectEffect connect when !node.Connected.Contains(connect.Peer.Name) && !node.Waiting.ContainsKey(connect.Peer.Name):
                    node.Waiting[connect.Peer.Name] = [];
                    _connecting.Add((node, connect.Peer.Name));
                    break;
                case DisconnectEffect disconnect:
                    node.Waiting.Remove(disconnect.Peer);
                    if (node.Connected.Remove(disconnect.Peer))
                    {
                        Execute(node, node.Core.PeerDown(disconnect.Peer));
                    }

                    break;
                case ArmTimerEffect arm:
                    node.Timers[arm.Timer] = (Now + arm.Due, arm.Periodic ? arm.Due : null);
                    break;
            }
        }
    }

    internal sealed class Node(int index, HyParViewCore core)
    {
        public int Index { get; } = index;

        public HyParViewCore Core { get; } = core;

        public NodeName Name => Core.Self.Name;

        public bool Alive { get; set; } = true;

        public HashSet<NodeName> Connected { get; } = [];

        public Dictionary<NodeName, List<object>> Waiting { get; } = [];

        public Dictionary<string, (TimeSpan Due, TimeSpan? Period)> Timers { get; } = new(StringComparer.Ordinal);

        public List<PeerServiceEffect> Effects { get; } = [];

        public List<(NodeName To, object Message)> Sent { get; } = [];

        public List<(NodeName From, object Message)> Received { get; } = [];

        public int Dropped { get; set; }

        public HashSet<NodeName> Active => [.. Core.ActiveView.Select(s => s.Name)];

        public HashSet<NodeName> Passive => [.. Core.PassiveView.Select(s => s.Name)];

        public override string ToString() => $"{Name} active=[{string.Join(",", Active)}] passive={Passive.Count}";
    }
}

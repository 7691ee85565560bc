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
internal sealed partial class HyParViewNetwork
{
    private const int MaxWaiting = 16;
    private readonly Random _random;
    private readonly HyParViewOptions _options;
    private readonly List<Node> _nodes = [];
    private readonly Dictionary<NodeName, Node> _byName = [];
    private readonly Dictionary<(NodeName From, NodeName To), Queue<object>> _links = [];
    private readonly List<(NodeName From, NodeName To)> _busy = [];
    private readonly List<(Node From, NodeName To)> _connecting = [];

    // Every armed timer of every node, in due order (ties: node number, then timer name).
    private readonly SortedSet<(TimeSpan Due, int Node, CoreTimer Timer)> _schedule = new(
        Comparer<(TimeSpan Due, int Node, CoreTimer Timer)>.Create((a, b) =>
        {
            var byDue = a.Due.CompareTo(b.Due);
            if (byDue != 0)
            {
                return byDue;
            }

            var byNode = a.Node.CompareTo(b.Node);
            return byNode != 0 ? byNode : string.CompareOrdinal(a.Timer.ToString(), b.Timer.ToString());
        }));

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

    /// <summary>Every message delivered, in order.</summary>
    public List<(NodeName From, NodeName To, object Message)> Deliveries { get; } = [];

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
        foreach (var timer in dead.Timers.Keys.ToList())
        {
            Arm(dead, timer, null);
        }

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
            if (_schedule.Count == 0 || _schedule.Min.Due > end)
            {
                Now = end;
                return;
            }

            var (due, index, name) = _schedule.Min;
            Now = due;
            Fire(_nodes[index], name);
            RunToQuiescence();
        }
    }

    /// <summary>Fires timer <paramref name="timer"/> of node <paramref name="i"/> now, armed or not.</summary>
    public void Fire(int i, CoreTimer timer) => Fire(_nodes[i], timer);

    private void Fire(Node node, CoreTimer timer)
    {
        if (node.Timers.TryGetValue(timer, out var armed))
        {
            Arm(node, timer, armed.Period is { } period ? (Now + period, period) : null);
        }

        Execute(node, node.Core.OnTimer(timer));
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
            Deliveries.Add((key.From, key.To, message));
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

        if (!_byName.TryGetValue(to, out var peer) || !peer.Alive)
        {
            return; // never completes: the peer is dead, or no such node exists
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

    /// <summary>Records and carries out <paramref name="effects"/> of <paramref name="node"/>.</summary>
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
                    Enqueue(node.Name, send.To, send.Message);
                    break;
                case SendEffect send when node.Waiting.TryGetValue(send.To, out var waiting):
                    if (waiting.Count == MaxWaiting)
                    {
                        waiting.RemoveAt(0);
                    }

                    waiting.Add(send.Message);
                    break;
                case SendEffect:
                    break; // no connection wanted: dropped
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
                    Arm(node, arm.Timer, (Now + arm.Due, arm.Periodic ? arm.Due : null));
                    break;
            }
        }
    }

    /// <summary>Arms (or, with null, removes) a timer of <paramref name="node"/>, keeping the schedule in due order.</summary>
    private void Arm(Node node, CoreTimer timer, (TimeSpan Due, TimeSpan? Period)? armed)
    {
        if (node.Timers.Remove(timer, out var previous))
        {
            _schedule.Remove((previous.Due, node.Index, timer));
        }

        if (armed is { } next)
        {
            node.Timers[timer] = next;
            _schedule.Add((next.Due, node.Index, timer));
        }
    }
}

namespace Orleans.Partisan.Protocols.FullMesh;

/// <summary>
/// The full-mesh peer service as a pure state machine: every member connects to every other,
/// and membership is an <see cref="OrSet{T}"/> of node specs, merged on join and gossiped to all
/// members on every change and on every tick.
/// </summary>
/// <remarks>
/// Gossip is push-pull: a node that merges a state and finds the sender lacked something replies
/// with the merged state, so a joiner learns the whole membership from its contact at once.
/// A node that finds itself removed stops being a member: it forgets the others and can join again.
/// Each node's spec is added to the state by that node only (one add per member, not one per member
/// and joiner): a contact given to <see cref="Join"/> is a member here, connected and sent the state,
/// until its own add arrives in its answer. Were every joiner to add its contact, a cluster whose
/// every member joins every other (the Orleans integration does) would hold n² adds, and the gossip
/// of its formation, every change sent to every member, would carry O(n⁴) node specs: 3.3 million
/// at 16 nodes, seconds of serialization per process.
/// </remarks>
internal sealed class FullMeshCore : IPeerServiceCore
{
    private OrSet<NodeSpec> _state = OrSet<NodeSpec>.Empty;
    private Dictionary<NodeName, NodeSpec> _members = [];

    // Contacts given to Join whose own add is not in the state yet: members here, not in the replicated state.
    private readonly Dictionary<NodeName, NodeSpec> _contacts = [];

    // Dots of this node's own adds from before it last left or was removed.
    private readonly HashSet<Dot> _retired = [];
    private long _counter;

    private readonly TimeSpan _gossipInterval;

    /// <param name="self">This node.</param>
    /// <param name="gossipInterval">How often the whole state is gossiped to every member (and members re-dialled).</param>
    public FullMeshCore(NodeSpec self, TimeSpan gossipInterval)
    {
        Self = self;
        _gossipInterval = gossipInterval;
        Reset();
    }

    /// <inheritdoc />
    public NodeSpec Self { get; }

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Members => _members.Values;

    /// <summary>The replicated state, for tests and diagnostics.</summary>
    internal OrSet<NodeSpec> State => _state;

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> Join(NodeSpec contact)
    {
        var effects = new List<PeerServiceEffect>();
        if (contact.Name == Self.Name)
        {
            return effects;
        }

        if (!_members.ContainsKey(contact.Name))
        {
            _contacts[contact.Name] = contact;
        }

        Apply(_state, effects);
        effects.Add(new ConnectEffect(contact));
        effects.Add(new SendEffect(contact.Name, new FullMeshGossip(_state)));
        return effects;
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> Leave(NodeName node)
    {
        var effects = new List<PeerServiceEffect>();
        if (!_members.ContainsKey(node))
        {
            return effects;
        }

        var next = _state.Remove(s => s.Name == node);
        _contacts.Remove(node);
        if (node == Self.Name)
        {
            var gossip = new FullMeshGossip(next);
            foreach (var member in Others())
            {
                effects.Add(new SendEffect(member.Name, gossip));
            }

            foreach (var member in Others())
            {
                effects.Add(new MemberLeftEffect(member));
                effects.Add(new DisconnectEffect(member.Name));
            }

            effects.Add(new SelfLeftEffect(Self.Name));
            Reset();
            return effects;
        }

        // The removed node is told first, before its connection is closed, so that it stops.
        effects.Add(new SendEffect(node, new FullMeshGossip(next)));
        Apply(next, effects);
        Gossip(effects, except: default);
        return effects;
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> Handle(NodeName from, object message)
    {
        var effects = new List<PeerServiceEffect>();
        if (message is not FullMeshGossip gossip)
        {
            return effects;
        }

        if (_retired.Count > 0
            && gossip.State.Adds.Any(a => a.Value.Name == Self.Name)
            && !gossip.State.Adds.Any(a => a.Value.Name == Self.Name && !_retired.Contains(a.Key)))
        {
            // The sender knows this node only from before it left: a state that raced the leave,
            // which must not make this node a member again. A real re-join carries a new dot; a
            // state without this node at all is a joiner's, which joined through this node.
            return effects;
        }

        var merged = _state.Merge(gossip.State);
        if (!merged.Contains(Self))
        {
            // Another member removed this node: stop being a member.
            foreach (var member in Others())
            {
                effects.Add(new MemberLeftEffect(member));
                effects.Add(new DisconnectEffect(member.Name));
            }

            effects.Add(new SelfLeftEffect(from));
            Reset();
            return effects;
        }

        if (!merged.Equals(gossip.State))
        {
            effects.Add(new SendEffect(from, new FullMeshGossip(merged)));
        }

        if (merged.Equals(_state))
        {
            return effects;
        }

        Apply(merged, effects);
        Gossip(effects, except: from);
        return effects;
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> Start() => [new ArmTimerEffect(FullMeshTimer.Gossip.Instance, _gossipInterval, Periodic: true)];

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> OnTimer(CoreTimer timer)
    {
        var effects = new List<PeerServiceEffect>();
        if (timer is not FullMeshTimer.Gossip)
        {
            return effects;
        }

        foreach (var member in Others())
        {
            effects.Add(new ConnectEffect(member));
        }

        Gossip(effects, except: default);
        return effects;
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> PeerUp(NodeName peer)
        => _members.ContainsKey(peer) && peer != Self.Name
            ? [new SendEffect(peer, new FullMeshGossip(_state))]
            : [];

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> PeerDown(NodeName peer) => [];

    /// <inheritdoc />
    public bool IsProtocolMessage(object message) => message is FullMeshGossip;

    private IEnumerable<NodeSpec> Others() => _members.Values.Where(m => m.Name != Self.Name).ToList();

    private void Gossip(List<PeerServiceEffect> effects, NodeName except)
    {
        var gossip = new FullMeshGossip(_state);
        foreach (var member in Others())
        {
            if (member.Name != except)
            {
                effects.Add(new SendEffect(member.Name, gossip));
            }
        }
    }

    /// <summary>Adopts <paramref name="next"/> and reports the membership difference.</summary>
    private void Apply(OrSet<NodeSpec> next, List<PeerServiceEffect> effects)
    {
        var members = new Dictionary<NodeName, NodeSpec>();
        foreach (var spec in next.Elements)
        {
            members.TryAdd(spec.Name, spec);
        }

        if (_contacts.Count > 0)
        {
            // A contact whose add (its own, or a removal of it) is in the state is known from the state now.
            foreach (var (_, spec) in next.Adds)
            {
                _contacts.Remove(spec.Name);
            }

            foreach (var (name, spec) in _contacts)
            {
                members.TryAdd(name, spec);
            }
        }

        foreach (var (name, spec) in _members)
        {
            if (!members.ContainsKey(name))
            {
                effects.Add(new MemberLeftEffect(spec));
                effects.Add(new DisconnectEffect(name));
            }
        }

        foreach (var (name, spec) in members)
        {
            if (!_members.ContainsKey(name))
            {
                effects.Add(new MemberJoinedEffect(spec));
                effects.Add(new ConnectEffect(spec));
            }
        }

        _state = next;
        _members = members;
    }

    private void Reset()
    {
        _contacts.Clear();
        foreach (var (dot, spec) in _state.Adds)
        {
            if (spec.Name == Self.Name)
            {
                _retired.Add(dot);
            }
        }

        _state = OrSet<NodeSpec>.Empty.Add(Self, NextDot());
        _members = new Dictionary<NodeName, NodeSpec> { [Self.Name] = Self };
    }

    private Dot NextDot() => new(Self.Name, ++_counter);
}

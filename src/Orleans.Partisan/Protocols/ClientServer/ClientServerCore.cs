using Orleans.Partisan.Protocols.FullMesh;

namespace Orleans.Partisan.Protocols.ClientServer;

/// <summary>
/// The client-server peer service as a pure state machine (Partisan's <c>partisan_client_server_peer_service_manager</c>):
/// servers connect to every member, clients to servers only. Membership is an <see cref="OrSet{T}"/> of
/// <see cref="ClientServerMember"/>s, gossiped push-pull like the full mesh's, to neighbours only.
/// </summary>
/// <remarks>
/// <para>Each node adds only itself to the set, with its own role, so a role is never guessed by another node. A node
/// joined through (<see cref="Join"/>) whose role is not known yet is a <em>contact</em>: this node connects to it and
/// sends it the state; its answer carries its role. A client that finds it joined through another client drops the
/// connection (clients never connect to each other).</para>
/// <para>Every member is known to every node, clients included, so a client can address another client; the runtime
/// relays that traffic through a server. A client learns of the others only from a server: a cluster needs one.</para>
/// <para>A node that finds itself removed stops being a member, forgets the others and can join again, as in the full mesh.</para>
/// </remarks>
internal sealed class ClientServerCore : IPeerServiceCore
{
    private readonly ClientServerMember _self;
    private readonly TimeSpan _gossipInterval;

    // Dots of this node's own adds from before it last left or was removed.
    private readonly HashSet<Dot> _retired = [];

    // Nodes joined through whose role is not known yet.
    private readonly Dictionary<NodeName, NodeSpec> _contacts = [];
    private OrSet<ClientServerMember> _state = OrSet<ClientServerMember>.Empty;
    private Dictionary<NodeName, ClientServerMember> _members = [];
    private long _counter;

    /// <param name="self">This node.</param>
    /// <param name="role">This node's role.</param>
    /// <param name="gossipInterval">How often the whole state is gossiped to every neighbour (and neighbours re-dialled).</param>
    public ClientServerCore(NodeSpec self, PartisanNodeRole role, TimeSpan gossipInterval)
    {
        _self = new ClientServerMember(self, role);
        _gossipInterval = gossipInterval;
        Reset();
    }

    /// <inheritdoc />
    public NodeSpec Self => _self.Spec;

    /// <summary>This node's role.</summary>
    public PartisanNodeRole Role => _self.Role;

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Members => [.. _members.Values.Select(m => m.Spec)];

    /// <summary>The members' roles, this node included.</summary>
    public IReadOnlyDictionary<NodeName, PartisanNodeRole> Roles => _members.ToDictionary(m => m.Key, m => m.Value.Role);

    /// <summary>The replicated state, for tests and diagnostics.</summary>
    internal OrSet<ClientServerMember> State => _state;

    /// <summary>Whether this node keeps a connection to <paramref name="node"/>: any member for a server, servers for a client, and contacts.</summary>
    public bool IsNeighbor(NodeName node)
        => node != Self.Name && (_members.TryGetValue(node, out var member) ? Wants(member.Role) : _contacts.ContainsKey(node));

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> Join(NodeSpec contact)
    {
        var effects = new List<PeerServiceEffect>();
        if (contact.Name == Self.Name)
        {
            return effects;
        }

        if (_members.TryGetValue(contact.Name, out var known))
        {
            if (!Wants(known.Role))
            {
                // A client joining through a client it knows: they never connect.
                return effects;
            }
        }
        else
        {
            _contacts[contact.Name] = contact;
        }

        effects.Add(new ConnectEffect(contact));
        effects.Add(new SendEffect(contact.Name, new ClientServerGossip(_state)));
        return effects;
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> Leave(NodeName node)
    {
        var effects = new List<PeerServiceEffect>();
        if (!_members.ContainsKey(node))
        {
            if (_contacts.Remove(node))
            {
                effects.Add(new DisconnectEffect(node));
            }

            return effects;
        }

        var next = _state.Remove(m => m.Name == node);
        if (node == Self.Name)
        {
            var gossip = new ClientServerGossip(next);
            foreach (var neighbor in Neighbors())
            {
                effects.Add(new SendEffect(neighbor, gossip));
            }

            Forget(effects);
            effects.Add(new SelfLeftEffect(Self.Name));
            Reset();
            return effects;
        }

        // The removed node is told first, before its connection is closed, so that it stops.
        if (IsNeighbor(node))
        {
            effects.Add(new SendEffect(node, new ClientServerGossip(next)));
        }

        Apply(next, effects);
        Gossip(effects, except: default);
        return effects;
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> Handle(NodeName from, object message)
    {
        var effects = new List<PeerServiceEffect>();
        if (message is not ClientServerGossip gossip)
        {
            return effects;
        }

        if (_retired.Count > 0 && !gossip.State.Adds.Any(a => a.Value.Name == Self.Name && !_retired.Contains(a.Key)))
        {
            // The sender knows this node only from before it left: a state that raced the leave,
            // which must not make this node a member again. A real re-join carries a new dot.
            return effects;
        }

        var merged = _state.Merge(gossip.State);
        if (!merged.Contains(_self))
        {
            // Another member removed this node: stop being a member.
            Forget(effects);
            effects.Add(new SelfLeftEffect(from));
            Reset();
            return effects;
        }

        var changed = !merged.Equals(_state);
        if (changed)
        {
            Apply(merged, effects);
        }

        if (!merged.Equals(gossip.State) && IsNeighbor(from))
        {
            effects.Add(new SendEffect(from, new ClientServerGossip(merged)));
        }

        if (changed)
        {
            Gossip(effects, except: from);
        }

        return effects;
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> Start() => [new ArmTimerEffect(ClientServerTimer.Gossip.Instance, _gossipInterval, Periodic: true)];

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> OnTimer(CoreTimer timer)
    {
        var effects = new List<PeerServiceEffect>();
        if (timer is not ClientServerTimer.Gossip)
        {
            return effects;
        }

        foreach (var member in _members.Values)
        {
            if (IsNeighbor(member.Name))
            {
                effects.Add(new ConnectEffect(member.Spec));
            }
        }

        foreach (var contact in _contacts.Values)
        {
            effects.Add(new ConnectEffect(contact));
        }

        Gossip(effects, except: default);
        return effects;
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> PeerUp(NodeName peer)
        => IsNeighbor(peer) ? [new SendEffect(peer, new ClientServerGossip(_state))] : [];

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> PeerDown(NodeName peer) => [];

    /// <inheritdoc />
    public bool IsProtocolMessage(object message) => message is ClientServerGossip;

    /// <summary>Whether this node connects to a member of <paramref name="role"/>: a server to anyone, a client to servers.</summary>
    private bool Wants(PartisanNodeRole role) => _self.Role == PartisanNodeRole.Server || role == PartisanNodeRole.Server;

    /// <summary>The neighbours in a fixed order: members this node connects to, then contacts.</summary>
    private List<NodeName> Neighbors()
        => [.. _members.Values.Where(m => m.Name != Self.Name && Wants(m.Role)).Select(m => m.Name).Order(), .. _contacts.Keys.Order()];

    private void Gossip(List<PeerServiceEffect> effects, NodeName except)
    {
        var gossip = new ClientServerGossip(_state);
        foreach (var neighbor in Neighbors())
        {
            if (neighbor != except)
            {
                effects.Add(new SendEffect(neighbor, gossip));
            }
        }
    }

    /// <summary>Adopts <paramref name="next"/> and reports the membership difference, connecting to new neighbours.</summary>
    private void Apply(OrSet<ClientServerMember> next, List<PeerServiceEffect> effects)
    {
        var members = new Dictionary<NodeName, ClientServerMember>();
        foreach (var member in next.Elements)
        {
            members.TryAdd(member.Name, member);
        }

        foreach (var (name, member) in _members.OrderBy(m => m.Key))
        {
            if (!members.ContainsKey(name))
            {
                effects.Add(new MemberLeftEffect(member.Spec));
                if (Wants(member.Role))
                {
                    effects.Add(new DisconnectEffect(name));
                }
            }
        }

        foreach (var (name, member) in members.OrderBy(m => m.Key))
        {
            if (_members.ContainsKey(name))
            {
                continue;
            }

            effects.Add(new MemberJoinedEffect(member.Spec));
            var wasContact = _contacts.Remove(name);
            if (Wants(member.Role))
            {
                effects.Add(new ConnectEffect(member.Spec));
            }
            else if (wasContact)
            {
                // Joined through a client while a client: clients never connect to each other.
                effects.Add(new DisconnectEffect(name));
            }
        }

        _state = next;
        _members = members;
    }

    /// <summary>Reports every other member gone and drops every connection, as this node stops being a member.</summary>
    private void Forget(List<PeerServiceEffect> effects)
    {
        foreach (var member in _members.Values.Where(m => m.Name != Self.Name).OrderBy(m => m.Name))
        {
            effects.Add(new MemberLeftEffect(member.Spec));
            if (Wants(member.Role))
            {
                effects.Add(new DisconnectEffect(member.Name));
            }
        }

        foreach (var contact in _contacts.Keys.Order())
        {
            effects.Add(new DisconnectEffect(contact));
        }

        _contacts.Clear();
    }

    private void Reset()
    {
        foreach (var (dot, member) in _state.Adds)
        {
            if (member.Name == Self.Name)
            {
                _retired.Add(dot);
            }
        }

        _state = OrSet<ClientServerMember>.Empty.Add(_self, NextDot());
        _members = new Dictionary<NodeName, ClientServerMember> { [Self.Name] = _self };
    }

    private Dot NextDot() => new(Self.Name, ++_counter);
}

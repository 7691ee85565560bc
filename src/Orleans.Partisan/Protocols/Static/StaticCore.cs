namespace Orleans.Partisan.Protocols.Static;

/// <summary>
/// The static peer service as a pure state machine (Partisan's <c>partisan_static_peer_service_manager</c>): the members
/// are a fixed list of endpoints, and this node keeps a connection to whichever node listens at each of them, forever.
/// </summary>
/// <remarks>
/// <para>A member is its endpoint, because a node's name changes when its process restarts. For each listed endpoint the
/// core asks the driver which node listens there (<see cref="ProbeEffect"/>), connects to it, and asks again whenever
/// the connection is lost, the endpoint did not answer, or the node found is not connected by the next attempt. The
/// waits grow from the retry interval, doubled per failed attempt, to the maximum, each drawn at random between half
/// of it and all of it so that nodes restarted together do not probe in step. They never stop: a listed node is never
/// removed, only replaced by the next node found at its endpoint.</para>
/// <para><see cref="Leave"/> of this node tells the connected members (<see cref="StaticLeaving"/>) so that they close
/// their connections to it at once; <see cref="Leave"/> of another node does nothing, as members are never removed.</para>
/// </remarks>
internal sealed class StaticCore : IPeerServiceCore
{
    private readonly List<StaticSlot> _slots;
    private readonly TimeSpan _retryInterval;
    private readonly TimeSpan _maxRetryInterval;
    private readonly Random _random;
    private bool _left;

    /// <param name="self">This node.</param>
    /// <param name="endpoints">The listed endpoints, as <c>IPEndPoint.ToString</c> writes them; this node's own are skipped.</param>
    /// <param name="retryInterval">The first wait before an endpoint is probed again.</param>
    /// <param name="maxRetryInterval">The longest wait between two probes of an endpoint.</param>
    /// <param name="random">The source of the waits' jitter.</param>
    public StaticCore(NodeSpec self, IEnumerable<string> endpoints, TimeSpan retryInterval, TimeSpan maxRetryInterval, Random random)
    {
        Self = self;
        _retryInterval = retryInterval;
        _maxRetryInterval = maxRetryInterval;
        _random = random;
        _slots = [.. endpoints.Distinct(StringComparer.Ordinal).Where(e => !self.ListensAt(e)).Order(StringComparer.Ordinal).Select(e => new StaticSlot(e))];
    }

    /// <inheritdoc />
    public NodeSpec Self { get; }

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Members => [Self, .. _slots.Where(s => s.Node is not null).Select(s => s.Node!)];

    /// <summary>The listed endpoints besides this node's own, and what is known of each, for tests and diagnostics.</summary>
    internal IReadOnlyList<StaticSlot> Slots => _slots;

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> Start()
    {
        var effects = new List<PeerServiceEffect>();
        foreach (var slot in _slots)
        {
            Probe(slot, effects);
        }

        return effects;
    }

    /// <inheritdoc />
    /// <remarks>Only a listed node can be joined; after a leave, a join of any listed node makes this node look for all of them again.</remarks>
    public IReadOnlyList<PeerServiceEffect> Join(NodeSpec contact)
    {
        var effects = new List<PeerServiceEffect>();
        var slot = _slots.Find(s => contact.ListensAt(s.Endpoint));
        if (slot is null)
        {
            return effects;
        }

        if (_left)
        {
            _left = false;
            foreach (var other in _slots.Where(s => s != slot))
            {
                Probe(other, effects);
            }
        }

        Found(slot, contact, effects);
        return effects;
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> Leave(NodeName node)
    {
        var effects = new List<PeerServiceEffect>();
        if (node != Self.Name || _left)
        {
            return effects;
        }

        foreach (var slot in _slots.Where(s => s.Up))
        {
            effects.Add(new SendEffect(slot.Node!.Name, StaticLeaving.Instance));
        }

        foreach (var slot in _slots.Where(s => s.Node is not null))
        {
            Drop(slot, effects);
        }

        _left = true;
        effects.Add(new SelfLeftEffect(Self.Name));
        return effects;
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> Handle(NodeName from, object message)
    {
        var effects = new List<PeerServiceEffect>();
        if (message is StaticLeaving && !_left && SlotOf(from) is { } slot)
        {
            Drop(slot, effects);
            ArmRetry(slot, effects);
        }

        return effects;
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> Probed(string endpoint, NodeSpec? found)
    {
        var effects = new List<PeerServiceEffect>();
        var slot = _slots.Find(s => s.Endpoint == endpoint);
        if (slot is null)
        {
            return effects;
        }

        slot.Probing = false;
        if (_left)
        {
            return effects;
        }

        if (found is null || found.Name == Self.Name)
        {
            ArmRetry(slot, effects);
        }
        else
        {
            Found(slot, found, effects);
        }

        return effects;
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> OnTimer(CoreTimer timer)
    {
        var effects = new List<PeerServiceEffect>();
        if (timer is StaticTimer.Retry retry && !_left && _slots.Find(s => s.Endpoint == retry.Endpoint) is { Up: false } slot)
        {
            Probe(slot, effects);
        }

        return effects;
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> PeerUp(NodeName peer)
    {
        if (SlotOf(peer) is { } slot)
        {
            slot.Up = true;
            slot.Failures = 0;
        }

        return [];
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> PeerDown(NodeName peer)
    {
        var effects = new List<PeerServiceEffect>();
        if (SlotOf(peer) is { } slot)
        {
            slot.Up = false;
            if (!_left)
            {
                ArmRetry(slot, effects);
            }
        }

        return effects;
    }

    /// <inheritdoc />
    public bool IsProtocolMessage(object message) => message is StaticLeaving;

    /// <summary>The wait before the next probe of a slot that failed <paramref name="failures"/> times: doubled per failure up to the maximum, then jittered into its upper half.</summary>
    internal TimeSpan RetryDelay(int failures)
    {
        var ticks = _retryInterval.Ticks;
        for (var i = 0; i < failures && ticks < _maxRetryInterval.Ticks; i++)
        {
            ticks *= 2;
        }

        ticks = Math.Min(ticks, _maxRetryInterval.Ticks);
        return TimeSpan.FromTicks(Math.Max(1, (long)(ticks * (0.5 + (0.5 * _random.NextDouble())))));
    }

    private StaticSlot? SlotOf(NodeName node) => _slots.Find(s => s.Node?.Name == node);

    /// <summary><paramref name="found"/> listens at <paramref name="slot"/>'s endpoint: adopt it (replacing an older node there) and connect.</summary>
    private void Found(StaticSlot slot, NodeSpec found, List<PeerServiceEffect> effects)
    {
        if (slot.Node is { } known && known.Name == found.Name)
        {
            if (!slot.Up)
            {
                // Still not connected: the transport keeps dialling it; look again later.
                ArmRetry(slot, effects);
            }

            return;
        }

        if (slot.Node is not null)
        {
            // A new node at a listed endpoint (a restarted silo): it replaces the old one.
            Drop(slot, effects);
        }

        slot.Node = found;
        effects.Add(new MemberJoinedEffect(found));
        effects.Add(new ConnectEffect(found));
        ArmRetry(slot, effects);
    }

    /// <summary>Forgets the node at <paramref name="slot"/>: reported gone and disconnected.</summary>
    private static void Drop(StaticSlot slot, List<PeerServiceEffect> effects)
    {
        var node = slot.Node!;
        effects.Add(new MemberLeftEffect(node));
        effects.Add(new DisconnectEffect(node.Name));
        slot.Node = null;
        slot.Up = false;
    }

    private static void Probe(StaticSlot slot, List<PeerServiceEffect> effects)
    {
        if (!slot.Probing)
        {
            slot.Probing = true;
            effects.Add(new ProbeEffect(slot.Endpoint));
        }
    }

    private void ArmRetry(StaticSlot slot, List<PeerServiceEffect> effects)
    {
        effects.Add(new ArmTimerEffect(new StaticTimer.Retry(slot.Endpoint), RetryDelay(slot.Failures), Periodic: false));
        slot.Failures++;
    }
}

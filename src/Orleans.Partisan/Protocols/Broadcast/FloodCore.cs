namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// Eager flooding over the overlay, the baseline Plumtree is measured against (SRDS 2007 §5): every
/// message the handler calls new goes to every neighbour but the one it came from. Reliable as long as
/// the neighbours form a connected graph, at the price of (neighbours − 1) copies per node and message.
/// </summary>
/// <remarks>
/// No trees, no IHAVE, GRAFT or PRUNE (those that arrive are ignored). Delivered identities are
/// remembered as Plumtree does (<see cref="PlumtreeOptions.MessageIdRetentionTicks"/> ticks of
/// <see cref="PlumtreeOptions.LazyTickInterval"/>, at most <see cref="PlumtreeOptions.MaxRememberedMessageIds"/>),
/// so a copy is dropped without asking the handler. The anti-entropy exchange runs as in
/// <see cref="PlumtreeCore"/>, preferring a member that is not a neighbour.
/// </remarks>
internal sealed class FloodCore : IBroadcastCore
{
    private readonly PlumtreeOptions _options;
    private readonly Random _random;
    private readonly HashSet<NodeName> _neighbors = [];
    private readonly RememberedMessages<object> _delivered;
    private readonly ExchangePeers _exchangePeers;
    private long _tick;

    /// <param name="self">This node.</param>
    /// <param name="options">The options whose retention, tick and exchange interval apply; must be valid.</param>
    /// <param name="random">The seeded random source of the exchange's choice.</param>
    public FloodCore(NodeName self, PlumtreeOptions options, Random random)
    {
        BroadcastCoreArguments.Check(self, options, random);

        Self = self;
        _options = options;
        _random = random;
        _delivered = new RememberedMessages<object>(options.MaxRememberedMessageIds);
        _exchangePeers = new ExchangePeers(self);
    }

    /// <inheritdoc />
    public NodeName Self { get; }

    /// <summary>The message identities remembered as delivered.</summary>
    internal int RememberedCount => _delivered.Count;

    /// <inheritdoc />
    public void Start(List<BroadcastEffect> effects)
    {
        effects.Add(new BroadcastTimerEffect(FloodTimer.Forget.Instance, _options.LazyTickInterval, Periodic: true));
        effects.Add(new BroadcastTimerEffect(FloodTimer.Exchange.Instance, _options.ExchangeInterval, Periodic: true));
    }

    /// <inheritdoc />
    public void Broadcast(string handler, object messageId, object payload, TraceContext? trace, List<BroadcastEffect> effects)
    {
        ArgumentException.ThrowIfNullOrEmpty(handler);
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(payload);
        _delivered.Add(new BroadcastMessageKey(handler, messageId), Self, _tick);
        Flood(new BroadcastGossip(handler, messageId, payload, Self, 1, trace), except: null, effects);
    }

    /// <inheritdoc />
    public void Handle(NodeName from, IBroadcastMessage message, List<BroadcastEffect> effects)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is not BroadcastGossip gossip || from.IsEmpty || from == Self)
        {
            return;
        }

        var key = new BroadcastMessageKey(gossip.Handler, gossip.MessageId);
        if (_delivered.Contains(key))
        {
            return;
        }

        _delivered.Add(key, from, _tick);
        effects.Add(new MergeEffect(from, gossip));
    }

    /// <inheritdoc />
    public void Merged(NodeName from, BroadcastGossip gossip, bool isNew, List<BroadcastEffect> effects)
    {
        ArgumentNullException.ThrowIfNull(gossip);
        if (isNew)
        {
            Flood(gossip with { Round = gossip.Round + 1 }, except: from, effects);
        }
    }

    /// <inheritdoc />
    public void StaleChecked(NodeName from, string handler, BroadcastAnnouncement announcement, bool isStale, List<BroadcastEffect> effects)
    {
    }

    /// <inheritdoc />
    public void GraftAnswered(NodeName requester, BroadcastGraft graft, object? payload, List<BroadcastEffect> effects)
    {
    }

    /// <inheritdoc />
    public void NeighborUp(NodeName peer, List<BroadcastEffect> effects)
    {
        if (!peer.IsEmpty && peer != Self)
        {
            _neighbors.Add(peer);
        }
    }

    /// <inheritdoc />
    public void NeighborDown(NodeName peer, List<BroadcastEffect> effects) => _neighbors.Remove(peer);

    /// <inheritdoc />
    public void MembersChanged(IReadOnlyCollection<NodeName> members, List<BroadcastEffect> effects) => _exchangePeers.Set(members);

    /// <inheritdoc />
    public void OnTimer(CoreTimer timer, List<BroadcastEffect> effects)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (timer is FloodTimer.Forget)
        {
            _tick++;
            _delivered.ForgetUpTo(_tick - _options.MessageIdRetentionTicks);
        }
        else if (timer is FloodTimer.Exchange && _exchangePeers.Choose(_neighbors, _random) is { } peer)
        {
            effects.Add(new ExchangeEffect(peer));
        }
    }

    /// <summary>Flooding has no tree: one entry rooted at this node, every neighbour eager (it pushes every root's messages to all).</summary>
    public IReadOnlyList<BroadcastTreeLinks> Trees() => [new BroadcastTreeLinks(Self, [.. _neighbors.Order()], [])];

    private void Flood(BroadcastGossip gossip, NodeName? except, List<BroadcastEffect> effects)
    {
        foreach (var peer in _neighbors)
        {
            if (peer != except)
            {
                effects.Add(new BroadcastSendEffect(peer, gossip));
            }
        }
    }
}

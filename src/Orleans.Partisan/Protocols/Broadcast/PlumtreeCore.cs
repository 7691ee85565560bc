namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// Plumtree (Leitão, Pereira, Rodrigues, "Epidemic Broadcast Trees", SRDS 2007) as a pure state machine:
/// messages are pushed eagerly along a spanning tree per root that the protocol carves out of the
/// overlay by pruning the links that carry duplicates, and announced lazily (IHAVE) on the other
/// links, which repair the tree (GRAFT) when a message announced does not come by it in time.
/// </summary>
/// <remarks>
/// <para>The parts live in partial files: eager push, duplicates and PRUNE (<c>Eager</c>); lazy push,
/// missing messages, GRAFT and the tree optimisation (<c>Lazy</c>); neighbours and the anti-entropy
/// exchange (<c>Neighbors</c>).</para>
/// <para>Choices where the paper leaves room, or where this core differs from it:</para>
/// <list type="bullet">
/// <item>One tree per root (§3.8 discusses per-source trees): every tree starts with every neighbour
/// eager, a new neighbour becomes eager in every tree, and a PRUNE or GRAFT names the tree it is about.
/// At most <see cref="PlumtreeOptions.MaxTrees"/> trees are kept; the least recently used is forgotten
/// and rebuilt by the next message of its root.</item>
/// <item>The handler decides what is new (Partisan's <c>merge</c>): a GOSSIP is merged through
/// <see cref="MergeEffect"/>, and only a message the handler calls new is forwarded. A duplicate, whether
/// this core remembers the identity or the handler answers "not new", moves its sender to lazy and
/// PRUNEs it, unless the sender is a neighbour this node grafted for that message (its answer is no
/// tree duplicate).</item>
/// <item>Delivered identities are remembered for <see cref="PlumtreeOptions.MessageIdRetentionTicks"/>
/// lazy ticks (at most <see cref="PlumtreeOptions.MaxRememberedMessageIds"/>), so duplicates and late
/// IHAVEs are recognised without asking the handler; after that the handler's <c>IsStale</c> answers.</item>
/// <item>An IHAVE of an unknown message first asks the handler (<see cref="CheckStaleEffect"/>): a stale
/// message is not grafted. Otherwise the first timer (<see cref="PlumtreeOptions.GraftTimeout"/>) starts;
/// when it fires the first announcer is grafted (and made eager) and the second timer
/// (<see cref="PlumtreeOptions.SecondGraftTimeout"/>) starts for the next announcer, as in §3.5. When no
/// announcer is left the repair waits for the next IHAVE, which restarts the first timer; a missing
/// message is forgotten after the same retention as a delivered one.</item>
/// <item>A lost neighbour is removed from every tree, its queued announcements are dropped and its
/// announcements of missing messages are struck; if it was the announcer just grafted, the next one is
/// grafted at once instead of after the second timer.</item>
/// <item>The optimisation (§3.7) runs both where the paper runs it, when a GOSSIP arrives for a message
/// an IHAVE announced over a path at least <see cref="PlumtreeOptions.OptimizationThreshold"/> hops
/// shorter, and when such an IHAVE arrives after the GOSSIP (announcements are sent on a tick, so in a
/// steady tree they come after the payload). The announcer gets a GRAFT with
/// <see cref="BroadcastGraft.LinkOnly"/> (no payload is sent back) and the parent a PRUNE.</item>
/// <item>A GOSSIP carries the hops from the root to its receiver: the root sends round 1 and a node
/// forwards round + 1; an announcement carries the round a GOSSIP over the same link would.</item>
/// <item>Anti-entropy (Partisan's, not the paper's): every <see cref="PlumtreeOptions.ExchangeInterval"/>
/// one <see cref="ExchangeEffect"/> with a random member that is not an eager peer of this node's own
/// tree when there is one, else any other member.</item>
/// <item>Tree links and repairs involve neighbours only: a GRAFT, PRUNE or IHAVE from a node that is not
/// (or no longer) a neighbour changes no link; a GOSSIP from one is still merged.</item>
/// </list>
/// <para>Iteration is over insertion-ordered sets, lists and queues (never by hash code), and every
/// random choice draws from the source given, so one seed gives one run.</para>
/// </remarks>
internal sealed partial class PlumtreeCore : IBroadcastCore
{
    private readonly PlumtreeOptions _options;
    private readonly Random _random;
    private readonly HashSet<NodeName> _neighbors = [];
    private readonly Dictionary<NodeName, PlumtreeTree> _trees = [];
    private readonly RememberedMessages<PlumtreeDelivered> _delivered;
    private readonly RememberedMessages<PlumtreeMissing> _missing;
    private readonly Dictionary<PlumtreeTimer.Graft, BroadcastMessageKey> _graftTimers = [];
    private readonly AnnouncementQueue _announcements;
    private readonly ExchangePeers _exchangePeers;

    // The clock of the identity memory, in lazy-tick intervals: advanced by _forgetTicks at each forget tick.
    private long _tick;

    // The forget tick's period, in lazy-tick intervals: a third of the retention (at least 1).
    private readonly int _forgetTicks;

    // Start was called (timers are armed from then on); the one-shot lazy tick and the periodic forget tick are armed.
    private bool _started;
    private bool _lazyTickArmed;
    private bool _forgetArmed;

    // Counts tree uses, to forget the least recently used tree.
    private long _treeClock;

    // Numbers the graft timers.
    private long _timerSerial;

    /// <param name="self">This node.</param>
    /// <param name="options">The protocol's options; must be valid (<see cref="PlumtreeOptions.Validate"/>).</param>
    /// <param name="random">The seeded random source of every choice this core makes.</param>
    public PlumtreeCore(NodeName self, PlumtreeOptions options, Random random)
    {
        BroadcastCoreArguments.Check(self, options, random);

        Self = self;
        _options = options;
        _random = random;
        _delivered = new RememberedMessages<PlumtreeDelivered>(options.MaxRememberedMessageIds);
        _missing = new RememberedMessages<PlumtreeMissing>(options.MaxRememberedMessageIds);
        _announcements = new AnnouncementQueue(options.MaxAnnouncementsPerIHave);
        _exchangePeers = new ExchangePeers(self);
        _forgetTicks = Math.Max(1, options.MessageIdRetentionTicks / 3);
    }

    /// <inheritdoc />
    public NodeName Self { get; }

    /// <summary>The message identities remembered as delivered (bounded by <see cref="PlumtreeOptions.MaxRememberedMessageIds"/>).</summary>
    internal int RememberedCount => _delivered.Count;

    /// <summary>The messages announced and not received (bounded by <see cref="PlumtreeOptions.MaxRememberedMessageIds"/>).</summary>
    internal int MissingCount => _missing.Count;

    /// <summary>The graft timers this core counts as armed (one per missing message).</summary>
    internal int GraftTimerCount => _graftTimers.Count;

    /// <summary>The announcements queued for the next lazy tick.</summary>
    internal int QueuedAnnouncements => _announcements.Count;

    /// <summary>The trees kept (bounded by <see cref="PlumtreeOptions.MaxTrees"/>).</summary>
    internal int TreeCount => _trees.Count;

    /// <inheritdoc />
    public void Start(List<BroadcastEffect> effects)
    {
        _started = true;
        effects.Add(new BroadcastTimerEffect(PlumtreeTimer.Exchange.Instance, _options.ExchangeInterval, Periodic: true));
        ArmTicks(effects);
    }

    /// <inheritdoc />
    public void Handle(NodeName from, IBroadcastMessage message, List<BroadcastEffect> effects)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (from.IsEmpty || from == Self)
        {
            return;
        }

        switch (message)
        {
            case BroadcastGossip gossip:
                OnGossip(from, gossip, effects);
                break;
            case BroadcastIHave ihave:
                OnIHave(from, ihave, effects);
                break;
            case BroadcastGraft graft:
                OnGraft(from, graft, effects);
                break;
            case BroadcastPrune prune:
                OnPrune(from, prune);
                break;
        }

        ArmTicks(effects);
    }

    /// <inheritdoc />
    public void OnTimer(CoreTimer timer, List<BroadcastEffect> effects)
    {
        ArgumentNullException.ThrowIfNull(timer);
        switch (timer)
        {
            case PlumtreeTimer.LazyTick:
                _lazyTickArmed = false;
                _announcements.Flush(effects);
                break;
            case PlumtreeTimer.Forget:
                OnForgetTick(effects);
                break;
            case PlumtreeTimer.Exchange:
                OnExchangeTick(effects);
                break;
            case PlumtreeTimer.Graft graft when _graftTimers.TryGetValue(graft, out var key):
                OnGraftTimer(key, effects);
                break;
        }

        ArmTicks(effects);
    }

    /// <inheritdoc />
    public IReadOnlyList<BroadcastTreeLinks> Trees()
    {
        var links = new List<BroadcastTreeLinks>(_trees.Count);
        foreach (var tree in _trees.Values)
        {
            links.Add(tree.Links());
        }

        links.Sort(static (a, b) => a.Root.CompareTo(b.Root));
        return links;
    }

    /// <summary>The links of <paramref name="root"/>'s tree, if this node keeps one.</summary>
    internal BroadcastTreeLinks? TreeOf(NodeName root) => _trees.TryGetValue(root, out var tree) ? tree.Links() : null;

    /// <summary>
    /// The forget tick: the identities (delivered and missing) remembered for
    /// <see cref="PlumtreeOptions.MessageIdRetentionTicks"/> lazy ticks are forgotten. It fires every
    /// a third of the retention in lazy-tick intervals and advances the clock by as many ticks; with nothing
    /// left to forget it stops, and the next identity remembered arms it again.
    /// </summary>
    private void OnForgetTick(List<BroadcastEffect> effects)
    {
        _tick += _forgetTicks;
        var expired = _tick - _options.MessageIdRetentionTicks;
        _delivered.ForgetUpTo(expired);
        _missing.ForgetUpTo(expired, (this, effects), static (state, _, missing) => state.Item1.StopRepair(missing, state.effects));
        if (_delivered.Count == 0 && _missing.Count == 0)
        {
            _forgetArmed = false;
            effects.Add(new CancelBroadcastTimerEffect(PlumtreeTimer.Forget.Instance));
        }
    }

    /// <summary>
    /// Ends every call: arms the one-shot lazy tick when announcements wait and it is not armed, and the
    /// periodic forget tick when identities are remembered and it is not armed (from <see cref="Start"/> on).
    /// A node with nothing queued and nothing remembered runs no timer but the exchange's.
    /// </summary>
    private void ArmTicks(List<BroadcastEffect> effects)
    {
        if (!_started)
        {
            return;
        }

        if (!_lazyTickArmed && _announcements.Count > 0)
        {
            _lazyTickArmed = true;
            effects.Add(new BroadcastTimerEffect(PlumtreeTimer.LazyTick.Instance, _options.LazyTickInterval, Periodic: false));
        }

        if (!_forgetArmed && (_delivered.Count > 0 || _missing.Count > 0))
        {
            _forgetArmed = true;
            effects.Add(new BroadcastTimerEffect(PlumtreeTimer.Forget.Instance, _options.LazyTickInterval * _forgetTicks, Periodic: true));
        }
    }

    /// <summary>
    /// The tick an identity remembered now is stamped with: the clock at the next forget tick, so it is kept
    /// at least <see cref="PlumtreeOptions.MessageIdRetentionTicks"/> lazy-tick intervals and at most a
    /// forget period (a third of that) more.
    /// </summary>
    private long Stamp => _tick + _forgetTicks;

    /// <summary>The tree of <paramref name="root"/>, made (every neighbour eager) if this node has none; marked as used.</summary>
    private PlumtreeTree Tree(NodeName root)
    {
        if (!_trees.TryGetValue(root, out var tree))
        {
            if (_trees.Count >= _options.MaxTrees)
            {
                ForgetLeastRecentlyUsedTree();
            }

            tree = new PlumtreeTree(root);
            foreach (var neighbor in _neighbors)
            {
                tree.Eager.Add(neighbor);
            }

            _trees.Add(root, tree);
        }

        tree.LastUsed = ++_treeClock;
        return tree;
    }

    private void ForgetLeastRecentlyUsedTree()
    {
        PlumtreeTree? oldest = null;
        foreach (var tree in _trees.Values)
        {
            if (oldest is null || tree.LastUsed < oldest.LastUsed)
            {
                oldest = tree;
            }
        }

        if (oldest is not null)
        {
            _trees.Remove(oldest.Root);
        }
    }

    private static void Send(NodeName to, IBroadcastMessage message, List<BroadcastEffect> effects)
        => effects.Add(new BroadcastSendEffect(to, message));
}

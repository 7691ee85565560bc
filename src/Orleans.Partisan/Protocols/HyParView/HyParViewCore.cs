namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>
/// The HyParView peer service (Leitão, Pereira, Rodrigues, DSN 2007) as a pure state machine: a small
/// symmetric active view of neighbours this node keeps connections to, and a larger passive view of
/// known nodes it promotes from when a neighbour fails.
/// </summary>
/// <remarks>
/// <para>The parts live in partial files: joining (JOIN, FORWARD_JOIN, §4.2), promotion (NEIGHBOR,
/// §4.3), shuffling (SHUFFLE and keep-alives, §4.4), leaving (DISCONNECT, leave), connections
/// (up, down, failures, the peer timer) and the views.</para>
/// <para>Every message is sent over a connection this core asked for: a link of the active view, the
/// link a request is opening, or a short-lived connection that carries one answer (a NEIGHBOR
/// rejection, or a DISCONNECT to a node that used a link this node does not have) and is closed once
/// it is up. A node therefore holds connections to its active view only, apart from requests in flight.</para>
/// <para>Messages that need an active link from their sender (FORWARD_JOIN, SHUFFLE, SHUFFLEREPLY,
/// keep-alive) are dropped when the sender is not in the active view, and the sender is told with a
/// DISCONNECT. JOIN, NEIGHBOR, their replies and DISCONNECT are taken from anyone.</para>
/// <para><see cref="Members"/> are this node and its two views: a partial view of the overlay.</para>
/// <para>What this core adds to the paper, each because a run without it broke an invariant:</para>
/// <list type="bullet">
/// <item>Link epochs (<see cref="IHyParViewMessage"/>): a delayed DISCONNECT or reply about an older link
/// between two nodes cannot tear down a newer one.</item>
/// <item>The node where a FORWARD_JOIN walk ends tells the joiner (<see cref="HyParViewForwardJoinAccept"/>),
/// and a NEIGHBOR request is answered either way: each direction is its own connection here, not one
/// TCP connection both ends see (§4.1).</item>
/// <item>Keep-alives on idle links every shuffle interval, answered with a DISCONNECT by a node that does
/// not have the link, so a lost DISCONNECT does not leave a one-sided link.</item>
/// <item>JOIN is retried until a contact accepts it; its answer and every NEIGHBOR rejection carry a
/// sample of the sender's views, so a joiner, or a node that knows only full nodes, learns others.</item>
/// <item>A node that lost every neighbour sends one high-priority NEIGHBOR request and low ones to fill
/// the other slots at once, not one request at a time.</item>
/// <item>The down of a connection this core closed itself is not a failure (the driver may report it
/// after the core asked for a new connection to the same peer); a new link whose connection does not
/// come up within <see cref="HyParViewOptions.NeighborTimeout"/> is.</item>
/// <item>Promotion runs periodically while the active view is below the minimum, and a node with a free
/// slot asks one passive node per shuffle interval, so an island of nodes whose views are within
/// the island reconnects to the rest.</item>
/// </list>
/// </remarks>
internal sealed partial class HyParViewCore : IPeerServiceCore
{
    private readonly HyParViewOptions _options;
    private readonly Random _random;

    // Lamport counter stamping new links (see IHyParViewMessage).
    private long _clock;

    // Left the overlay (graceful leave) and not joined again: answers everything with a leaving DISCONNECT.
    private bool _left;

    // A JOIN was sent and no JOIN of this node was accepted yet: the promotion timer retries it
    // through the contacts given to Join, even if other nodes joined through this one meanwhile (else
    // those would form an island).
    private bool _joining;
    private readonly List<NodeSpec> _contacts = [];

    /// <param name="self">This node.</param>
    /// <param name="options">The protocol's options; must be valid (<see cref="HyParViewOptions.Validate"/>).</param>
    /// <param name="random">The seeded random source of every choice this core makes.</param>
    public HyParViewCore(NodeSpec self, HyParViewOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid HyParViewOptions: " + string.Join(" ", errors), nameof(options));
        }

        Self = self;
        _random = random;

        // A copy, so that changing the options object later does not change a running core.
        _options = new HyParViewOptions
        {
            ActiveViewSize = options.ActiveViewSize,
            MinActiveViewSize = options.MinActiveViewSize,
            PassiveViewSize = options.PassiveViewSize,
            ActiveRandomWalkLength = options.ActiveRandomWalkLength,
            PassiveRandomWalkLength = options.PassiveRandomWalkLength,
            ShuffleActiveCount = options.ShuffleActiveCount,
            ShufflePassiveCount = options.ShufflePassiveCount,
            ShuffleInterval = options.ShuffleInterval,
            PromotionInterval = options.PromotionInterval,
            NeighborTimeout = options.NeighborTimeout,
        };
    }

    /// <inheritdoc />
    public NodeSpec Self { get; }

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Members
    {
        get
        {
            // Built in one array: the simulator reads the members on every change of either view.
            var members = new NodeSpec[1 + _active.Count + _passive.Count];
            members[0] = Self;
            for (var i = 0; i < _active.Count; i++)
            {
                members[1 + i] = _active[i].Spec;
            }

            _passive.CopyTo(members, 1 + _active.Count);
            return members;
        }
    }

    /// <inheritdoc />
    public void AddMemberNames(List<NodeName> names)
    {
        names.Add(Self.Name);
        for (var i = 0; i < _active.Count; i++)
        {
            names.Add(_active[i].Spec.Name);
        }

        foreach (var spec in _passive)
        {
            names.Add(spec.Name);
        }
    }

    /// <summary>A call of the collecting form, its effects returned in a new list.</summary>
    private List<PeerServiceEffect> Collect<TState>(TState state, Action<HyParViewCore, TState, List<PeerServiceEffect>> call)
    {
        var effects = new List<PeerServiceEffect>();
        call(this, state, effects);
        return effects;
    }

    /// <summary>The active view: the neighbours this node keeps connections to.</summary>
    public IReadOnlyCollection<NodeSpec> ActiveView => [.. _active.Select(l => l.Spec)];

    /// <summary>The passive view: nodes known but not connected.</summary>
    public IReadOnlyCollection<NodeSpec> PassiveView => [.. _passive];

    /// <summary>The number of neighbours in the active view, without copying it.</summary>
    public int ActiveCount => _active.Count;

    /// <summary>The number of nodes in the passive view, without copying it.</summary>
    public int PassiveCount => _passive.Count;

    /// <summary>The nodes a JOIN or NEIGHBOR request is waiting on (each also in the passive view).</summary>
    internal IReadOnlyCollection<NodeName> PendingRequests => [.. _pending.Keys];

    /// <summary>The peers this core has asked its driver to keep a connection to.</summary>
    internal IReadOnlyCollection<NodeName> Connections => [.. _connections];

    /// <summary>Whether this node left the overlay and has not joined again.</summary>
    internal bool HasLeft => _left;

    /// <summary>The epoch of the link to <paramref name="peer"/>, or null if it is not in the active view.</summary>
    internal long? LinkEpoch(NodeName peer) => FindActive(peer)?.Epoch;

    /// <inheritdoc />
    /// <remarks>
    /// Arms the periodic shuffle, and the promotion timer if promotion has work (see <see cref="WithPromotionTimer"/>).
    /// </remarks>
    public IReadOnlyList<PeerServiceEffect> Start()
    {
        _started = true;
        return WithPromotionTimer([new ArmTimerEffect(HyParViewTimer.Shuffle.Instance, _options.ShuffleInterval, Periodic: true)]);
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> OnTimer(CoreTimer timer) => Collect(timer, static (core, t, effects) => core.OnTimer(t, effects));

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> Handle(NodeName from, object message) => Collect((from, message), static (core, m, effects) => core.Handle(m.from, m.message, effects));

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> PeerUp(NodeName peer) => Collect(peer, static (core, p, effects) => core.PeerUp(p, effects));

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> PeerDown(NodeName peer) => Collect(peer, static (core, p, effects) => core.PeerDown(p, effects));

    /// <inheritdoc />
    public void OnTimer(CoreTimer timer, List<PeerServiceEffect> effects)
    {
        switch (timer)
        {
            case HyParViewTimer.Shuffle:
                OnShuffleTimer(effects);
                break;
            case HyParViewTimer.Promotion:
                _promotionArmed = false;
                OnPromotionTimer(effects);
                break;
            case HyParViewTimer.Peer peer:
                OnPeerTimer(peer.Node, effects);
                break;
        }

        WithPromotionTimer(effects);
    }

    /// <inheritdoc />
    public void Handle(NodeName from, object message, List<PeerServiceEffect> effects)
    {
        if (message is not IHyParViewMessage m || m.Sender is null || m.Sender.Name != from || from == Self.Name)
        {
            WithPromotionTimer(effects);
            return;
        }

        _clock = Math.Max(_clock, m.Epoch);
        if (_left)
        {
            // This node left: whoever still counts on it is told to forget it.
            if (message is not HyParViewDisconnect)
            {
                SendOnce(m.Sender, new HyParViewDisconnect(Self, m.Epoch, Leaving: true), effects);
            }

            WithPromotionTimer(effects);
            return;
        }

        switch (message)
        {
            case HyParViewJoin join:
                OnJoin(join, effects);
                break;
            case HyParViewForwardJoin forwardJoin:
                OnForwardJoin(forwardJoin, effects);
                break;
            case HyParViewForwardJoinAccept accept:
                OnForwardJoinAccept(accept, effects);
                break;
            case HyParViewNeighbor neighbor:
                OnNeighbor(neighbor, effects);
                break;
            case HyParViewNeighborReply reply:
                OnNeighborReply(reply, effects);
                break;
            case HyParViewDisconnect disconnect:
                OnDisconnect(disconnect, effects);
                break;
            case HyParViewShuffle shuffle:
                OnShuffle(shuffle, effects);
                break;
            case HyParViewShuffleReply shuffleReply:
                OnShuffleReply(shuffleReply, effects);
                break;
            case HyParViewKeepAlive keepAlive:
                RequireLink(keepAlive, effects);
                break;
        }

        WithPromotionTimer(effects);
    }

    /// <inheritdoc />
    public bool IsProtocolMessage(object message) => message is IHyParViewMessage;

    /// <summary>
    /// The active link a message that needs one came over, its epoch raised to the message's; null if
    /// the sender is not a neighbour, in which case it is told with a DISCONNECT (unless a request of
    /// this node to it is in flight, which settles the link either way).
    /// </summary>
    private ActiveLink? RequireLink(IHyParViewMessage message, List<PeerServiceEffect> effects)
    {
        var link = FindActive(message.Sender.Name);
        if (link is not null)
        {
            link.Epoch = Math.Max(link.Epoch, message.Epoch);
            return link;
        }

        if (!_pending.ContainsKey(message.Sender.Name))
        {
            SendOnce(message.Sender, new HyParViewDisconnect(Self, message.Epoch, Leaving: false), effects);
        }

        return null;
    }

    private void SendOnLink(ActiveLink link, IHyParViewMessage message, List<PeerServiceEffect> effects)
    {
        link.Used = true;
        effects.Add(new SendEffect(link.Name, message));
    }

    private void ArmPeerTimer(NodeName peer, List<PeerServiceEffect> effects)
        => effects.Add(new ArmTimerEffect(new HyParViewTimer.Peer(peer), _options.NeighborTimeout, Periodic: false));
}

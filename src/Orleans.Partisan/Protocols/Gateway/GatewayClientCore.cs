namespace Orleans.Partisan.Protocols.Gateway;

/// <summary>
/// The peer service of an Orleans client's overlay node: it joins no membership, it attaches to a few silos (its
/// gateways) and reaches every other node through them.
/// </summary>
/// <remarks>
/// <para>The silos know the client only as a client attached to a gateway: it never enters their full mesh or views,
/// and no silo but its gateways dials it. Its members are itself and the silos it has learned, from the specs it was
/// given (<see cref="Join"/>) and from each gateway's <see cref="GatewayWelcome"/>, which lists the silos that gateway
/// knows and replaces what the client knew.</para>
/// <para>The client keeps <c>gateways</c> silos as gateways, chosen by rendezvous hashing of its own name with each
/// silo's, so clients spread over the silos and a client picks the same silos again after a restart of the cluster
/// view. It sends each a <see cref="GatewayAttach"/> when it picks it and again every renewal interval. A gateway whose
/// connection is lost is dropped and another silo is picked; the lost one is tried last, once the renewal timer finds
/// no other. A gateway that has not welcomed the client by the <see cref="WelcomeRenewals"/>th renewal after it was
/// picked (a silo that died before the client heard of it, whose dial therefore never succeeds and whose connection is
/// never lost) is given up the same way. A welcome that does not list the gateway that sent it (the last welcome of a
/// gateway that leaves the overlay) drops that gateway at once.</para>
/// </remarks>
internal sealed class GatewayClientCore : IPeerServiceCore
{
    private readonly SortedDictionary<NodeName, NodeSpec> _silos = [];
    private readonly HashSet<NodeName> _gateways = [];
    private readonly HashSet<NodeName> _failed = [];

    // Gateways picked and not welcomed yet, with the renewals since they were picked.
    private readonly Dictionary<NodeName, int> _unwelcomed = [];
    private readonly int _wanted;
    private readonly TimeSpan _renewInterval;
    private bool _left;

    /// <summary>
    /// The renewal at which a gateway that has not welcomed the client since it was picked is given up: the third, so
    /// between two and three renewal intervals after the pick (the interval after which a gateway detaches a silent client).
    /// </summary>
    public const int WelcomeRenewals = 3;

    /// <summary>Creates the core.</summary>
    /// <param name="self">This client node.</param>
    /// <param name="gateways">How many silos to keep as gateways; at least 1.</param>
    /// <param name="renewInterval">How often to renew the attachment; more than zero.</param>
    public GatewayClientCore(NodeSpec self, int gateways, TimeSpan renewInterval)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentOutOfRangeException.ThrowIfLessThan(gateways, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(renewInterval, TimeSpan.Zero);
        Self = self;
        _wanted = gateways;
        _renewInterval = renewInterval;
    }

    /// <inheritdoc />
    public NodeSpec Self { get; }

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Members => [Self, .. _silos.Values];

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> ActiveView => [.. _silos.Values.Where(s => _gateways.Contains(s.Name))];

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> PassiveView => [.. _silos.Values.Where(s => !_gateways.Contains(s.Name))];

    /// <summary>The silos this client is attached to (or dialling).</summary>
    public IReadOnlyCollection<NodeName> Gateways => _gateways;

    /// <inheritdoc />
    public bool IsNeighbor(NodeName node) => _gateways.Contains(node);

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> Start() => [new ArmTimerEffect(GatewayTimer.Renew.Instance, _renewInterval, Periodic: true)];

    /// <inheritdoc />
    /// <remarks>Learns <paramref name="contact"/> as a silo and attaches to it if a gateway is missing.</remarks>
    public IReadOnlyList<PeerServiceEffect> Join(NodeSpec contact)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var effects = new List<PeerServiceEffect>();
        _left = false;
        if (contact.Name != Self.Name)
        {
            Learn(contact, effects);
            Fill(effects);
        }

        return effects;
    }

    /// <inheritdoc />
    /// <remarks>This client leaving detaches it from every gateway; another node is forgotten as a silo.</remarks>
    public IReadOnlyList<PeerServiceEffect> Leave(NodeName node)
    {
        var effects = new List<PeerServiceEffect>();
        if (node == Self.Name)
        {
            _left = true;
            foreach (var gateway in _gateways)
            {
                effects.Add(new DisconnectEffect(gateway));
            }

            _gateways.Clear();
            _unwelcomed.Clear();
            effects.Add(new SelfLeftEffect(Self.Name));
            return effects;
        }

        Forget(node, effects);
        if (!_left)
        {
            Fill(effects);
        }

        return effects;
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> Handle(NodeName from, object message)
    {
        if (message is not GatewayWelcome welcome || _left || !_gateways.Contains(from))
        {
            return [];
        }

        _unwelcomed.Remove(from);
        var effects = new List<PeerServiceEffect>();
        var listed = welcome.Silos.Where(s => s is not null && s.Name != Self.Name).GroupBy(s => s.Name).ToDictionary(g => g.Key, g => g.First());
        foreach (var gone in _silos.Keys.Where(n => !listed.ContainsKey(n)).ToList())
        {
            Forget(gone, effects);
        }

        foreach (var silo in listed.Values)
        {
            Learn(silo, effects);
        }

        Fill(effects);
        return effects;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The renewal gives up the gateways that have not welcomed the client in time, sends the attachment again to the
    /// others, and picks silos for the missing gateways: silos not lost or given up first, then, if none is left, any.
    /// </remarks>
    public IReadOnlyList<PeerServiceEffect> OnTimer(CoreTimer timer)
    {
        if (timer is not GatewayTimer.Renew || _left)
        {
            return [];
        }

        var effects = new List<PeerServiceEffect>();
        foreach (var (gateway, renewals) in _unwelcomed.ToList())
        {
            if (renewals + 1 < WelcomeRenewals)
            {
                _unwelcomed[gateway] = renewals + 1;
                continue;
            }

            _unwelcomed.Remove(gateway);
            _gateways.Remove(gateway);
            _failed.Add(gateway);
            effects.Add(new DisconnectEffect(gateway));
        }

        foreach (var gateway in _gateways)
        {
            effects.Add(new SendEffect(gateway, new GatewayAttach(Self, _renewInterval)));
        }

        Fill(effects);
        if (_gateways.Count < _wanted)
        {
            // No other silo was there to take a lost gateway's place: try the lost ones again.
            _failed.Clear();
            Fill(effects);
        }

        return effects;
    }

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> PeerUp(NodeName peer) => [];

    /// <inheritdoc />
    /// <remarks>A lost gateway is replaced by another silo at once; the transport stops redialling it.</remarks>
    public IReadOnlyList<PeerServiceEffect> PeerDown(NodeName peer)
    {
        if (_left || !_gateways.Remove(peer))
        {
            return [];
        }

        _unwelcomed.Remove(peer);
        _failed.Add(peer);
        var effects = new List<PeerServiceEffect> { new DisconnectEffect(peer) };
        Fill(effects);
        return effects;
    }

    /// <inheritdoc />
    public bool IsProtocolMessage(object message) => message is GatewayWelcome;

    private void Learn(NodeSpec silo, List<PeerServiceEffect> effects)
    {
        if (_silos.TryGetValue(silo.Name, out var known))
        {
            if (!known.Equals(silo))
            {
                _silos[silo.Name] = silo;
            }

            return;
        }

        _silos[silo.Name] = silo;
        effects.Add(new MemberJoinedEffect(silo));
    }

    private void Forget(NodeName silo, List<PeerServiceEffect> effects)
    {
        if (!_silos.Remove(silo, out var spec))
        {
            return;
        }

        // The leave first: a node event for it is then reported Left, not Disconnected by the connection closed after.
        _failed.Remove(silo);
        _unwelcomed.Remove(silo);
        effects.Add(new MemberLeftEffect(spec));
        if (_gateways.Remove(silo))
        {
            effects.Add(new DisconnectEffect(silo));
        }
    }

    /// <summary>Picks gateways until there are enough or no silo is left to pick, and attaches to each.</summary>
    private void Fill(List<PeerServiceEffect> effects)
    {
        while (_gateways.Count < _wanted)
        {
            NodeSpec? best = null;
            ulong bestScore = 0;
            foreach (var silo in _silos.Values)
            {
                if (_gateways.Contains(silo.Name) || _failed.Contains(silo.Name))
                {
                    continue;
                }

                var score = Score(Self.Name, silo.Name);
                if (best is null || score > bestScore)
                {
                    (best, bestScore) = (silo, score);
                }
            }

            if (best is null)
            {
                return;
            }

            _gateways.Add(best.Name);
            _unwelcomed[best.Name] = 0;
            effects.Add(new ConnectEffect(best));
            effects.Add(new SendEffect(best.Name, new GatewayAttach(Self, _renewInterval)));
        }
    }

    /// <summary>The rendezvous score of (<paramref name="client"/>, <paramref name="silo"/>): FNV-1a over both names, the same in every process.</summary>
    internal static ulong Score(NodeName client, NodeName silo)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in client.Value)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        hash = (hash ^ '|') * 1099511628211UL;
        foreach (var c in silo.Value)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}

namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>Connections and the end of links: DISCONNECT, failures, leaves, one-answer connections.</summary>
internal sealed partial class HyParViewCore
{
    // Peers this core asked to connect to (ConnectEffect) and has not disconnected since.
    private readonly HashSet<NodeName> _connections = [];

    // Connections opened to carry one answer, closed once up (or when their peer timer fires).
    private readonly HashSet<NodeName> _transient = [];

    // Peers whose connection the driver reported up and not down since.
    private readonly HashSet<NodeName> _up = [];

    // Peers whose connection this core closed while it was up: the driver will report it down, maybe
    // after the core opened a new connection to the same peer, and that down is not about the new one.
    private readonly HashSet<NodeName> _closing = [];

    /// <inheritdoc />
    public IReadOnlyList<PeerServiceEffect> PeerUp(NodeName peer)
    {
        var effects = new List<PeerServiceEffect>();
        _up.Add(peer);
        if (_transient.Contains(peer) && !IsActive(peer) && !_pending.ContainsKey(peer))
        {
            // The driver sent what waited for this connection before reporting it up.
            Close(peer, effects);
        }

        return effects;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The connection to a neighbour was lost: the neighbour is suspected dead, removed from the
    /// active view and forgotten (not kept as passive), and a promotion round replaces it (§4.3). The
    /// connection of a request in flight failing fails the request.
    /// </remarks>
    public IReadOnlyList<PeerServiceEffect> PeerDown(NodeName peer)
    {
        var effects = new List<PeerServiceEffect>();
        _up.Remove(peer);
        var expected = _closing.Remove(peer);
        if (_left)
        {
            return effects;
        }

        var link = FindActive(peer);
        if (expected)
        {
            // The down of a connection this core closed. If a link or request to the peer was opened
            // since, its own connection must come up in time (checked by the peer timer).
            if (link is not null || _pending.ContainsKey(peer))
            {
                ArmPeerTimer(peer, effects);
            }

            return effects;
        }

        if (link is not null)
        {
            RemoveActive(link, toPassive: false, effects);
            StartPromotion(_options.ActiveViewSize, effects);
        }
        else if (_pending.TryGetValue(peer, out var request))
        {
            FailRequest(request, effects);
        }
        else if (_transient.Contains(peer))
        {
            Close(peer, effects);
        }

        return effects;
    }

    /// <inheritdoc />
    /// <remarks>
    /// <para>This node (a graceful leave): every neighbour gets a DISCONNECT marked leaving, so it forgets
    /// this node, every connection is closed and both views are cleared. The node answers later messages
    /// with a leaving DISCONNECT, and may join again.</para>
    /// <para>Another node: it is dropped from both views here (told with a DISCONNECT if it was a
    /// neighbour). Partial views cannot remove a node cluster-wide: other nodes keep it until they
    /// find it failed, and shuffles may bring it back here.</para>
    /// </remarks>
    public IReadOnlyList<PeerServiceEffect> Leave(NodeName node)
    {
        var effects = new List<PeerServiceEffect>();
        if (node == Self.Name)
        {
            LeaveOverlay(effects);
            return effects;
        }

        if (_pending.Remove(node))
        {
            Close(node, effects);
        }

        var link = FindActive(node);
        if (link is not null)
        {
            SendOnLink(link, new HyParViewDisconnect(Self, link.Epoch, Leaving: false), effects);
            RemoveActive(link, toPassive: false, effects, told: true);
            StartPromotion(_options.ActiveViewSize, effects);
        }
        else
        {
            ForgetPassive(node, effects);
            Promote(effects);
        }

        return effects;
    }

    private void LeaveOverlay(List<PeerServiceEffect> effects)
    {
        if (_left)
        {
            return;
        }

        var members = _active.Select(l => l.Spec).Concat(_passive).ToList();
        var told = _active.Select(l => l.Name).ToHashSet();
        foreach (var link in _active)
        {
            effects.Add(new SendEffect(link.Name, new HyParViewDisconnect(Self, link.Epoch, Leaving: true)));
        }

        _pending.Clear();
        _active.Clear();
        foreach (var peer in _connections.ToList())
        {
            if (told.Contains(peer))
            {
                Release(peer, effects);
            }
            else
            {
                Close(peer, effects);
            }
        }

        foreach (var member in members)
        {
            effects.Add(new MemberLeftEffect(member));
        }

        effects.Add(new SelfLeftEffect(Self.Name));
        _passive.Clear();
        EndPromotion();
        _shuffleSent = [];
        _left = true;
        _joining = false;
        _contacts.Clear();
    }

    /// <summary>
    /// DISCONNECT (§4.2): the sender removed this node from its active view. Ignored when it is about an
    /// older link than the current one (its epoch is smaller). The sender is kept as passive, or
    /// forgotten if it is leaving (then, like a failure, a promotion round replaces it).
    /// </summary>
    private void OnDisconnect(HyParViewDisconnect message, List<PeerServiceEffect> effects)
    {
        var peer = message.Sender.Name;
        var link = FindActive(peer);
        if (link is not null)
        {
            if (message.Epoch < link.Epoch)
            {
                return;
            }

            RemoveActive(link, toPassive: !message.Leaving, effects);
            if (message.Leaving)
            {
                StartPromotion(_options.ActiveViewSize, effects);
            }

            return;
        }

        if (message.Leaving)
        {
            if (_pending.TryGetValue(peer, out var request))
            {
                FailRequest(request with { IsJoin = false }, effects);
            }
            else
            {
                ForgetPassive(peer, effects);
            }
        }
    }

    /// <summary>
    /// The peer timer: a request still unanswered fails; a neighbour whose connection never came up is
    /// treated as failed; a one-answer connection that never came up is closed.
    /// </summary>
    private void OnPeerTimer(NodeName peer, List<PeerServiceEffect> effects)
    {
        _closing.Remove(peer);
        if (_left)
        {
            if (_transient.Contains(peer))
            {
                Close(peer, effects);
            }

            return;
        }

        if (_pending.TryGetValue(peer, out var request))
        {
            FailRequest(request, effects);
            return;
        }

        var link = FindActive(peer);
        if (link is not null)
        {
            if (!_up.Contains(peer))
            {
                RemoveActive(link, toPassive: false, effects);
                StartPromotion(_options.ActiveViewSize, effects);
            }

            return;
        }

        if (_transient.Contains(peer))
        {
            Close(peer, effects);
        }
    }

    /// <summary>
    /// Sends one message to <paramref name="peer"/>, which is not (or no longer) a neighbour: over the
    /// link or request connection if there is one, else over a connection opened for it and closed once
    /// up (the driver sends what waits for a connection before reporting it up).
    /// </summary>
    private void SendOnce(NodeSpec peer, IHyParViewMessage message, List<PeerServiceEffect> effects)
    {
        var name = peer.Name;
        Open(peer, effects);
        effects.Add(new SendEffect(name, message));
        if (!IsActive(name) && !_pending.ContainsKey(name))
        {
            Release(name, effects);
        }
    }

    /// <summary>
    /// Closes the connection to <paramref name="peer"/> once what was sent on it has gone: at once if it
    /// is up (a graceful close sends what is queued), else when it comes up, or when the peer timer fires.
    /// </summary>
    private void Release(NodeName peer, List<PeerServiceEffect> effects)
    {
        if (_up.Contains(peer) || !_connections.Contains(peer))
        {
            Close(peer, effects);
        }
        else
        {
            _transient.Add(peer);
            ArmPeerTimer(peer, effects);
        }
    }

    private void Open(NodeSpec peer, List<PeerServiceEffect> effects)
    {
        if (_connections.Add(peer.Name))
        {
            effects.Add(new ConnectEffect(peer));
        }
    }

    private void Close(NodeName peer, List<PeerServiceEffect> effects)
    {
        _transient.Remove(peer);
        if (_connections.Remove(peer))
        {
            effects.Add(new DisconnectEffect(peer));
            if (_up.Contains(peer) && _closing.Add(peer))
            {
                // Forget the expected down after a while: if the driver merged the old connection
                // into a new one, no down comes.
                ArmPeerTimer(peer, effects);
            }
        }
    }
}

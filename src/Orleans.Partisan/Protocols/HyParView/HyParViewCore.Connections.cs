namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>Connections: up and down, failures, the peer timer, one-answer connections.</summary>
internal sealed partial class HyParViewCore
{
    // Peers this core asked to connect to (ConnectEffect) and has not disconnected since.
    private readonly HashSet<NodeName> _connections = [];

    // Connections opened to carry one answer, closed once up (or when their peer timer fires).
    private readonly HashSet<NodeName> _transient = [];

    // Ups minus downs the driver reported per peer: above zero while a connection is up. A count, not
    // a flag, so that the down of a closed connection reported after the up of its replacement does
    // not hide that the replacement is up.
    private readonly Dictionary<NodeName, int> _up = [];

    // Peers whose connection this core closed while it was up: the driver will report it down, maybe
    // after the core opened a new connection to the same peer, and that down is not about the new one.
    private readonly HashSet<NodeName> _closing = [];

    /// <inheritdoc />
    public void PeerUp(NodeName peer, List<PeerServiceEffect> effects)
    {
        _up[peer] = _up.GetValueOrDefault(peer) + 1;
        if (_transient.Contains(peer) && !IsActive(peer) && !_pending.ContainsKey(peer))
        {
            // The driver sent what waited for this connection before reporting it up.
            Close(peer, effects);
        }

        WithPromotionTimer(effects);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The connection to a neighbour was lost: the neighbour is suspected dead, removed from the
    /// active view and forgotten (not kept as passive), and a promotion round replaces it (§4.3). The
    /// connection of a request in flight failing fails the request.
    /// </remarks>
    public void PeerDown(NodeName peer, List<PeerServiceEffect> effects)
    {
        if (_up.GetValueOrDefault(peer) > 1)
        {
            _up[peer]--;
        }
        else
        {
            _up.Remove(peer);
        }

        var expected = _closing.Remove(peer);
        if (_left)
        {
            WithPromotionTimer(effects);
            return;
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

            WithPromotionTimer(effects);
            return;
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

        WithPromotionTimer(effects);
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
            if (!_up.ContainsKey(peer))
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
        if (IsUp(peer) || !_connections.Contains(peer))
        {
            Close(peer, effects);
        }
        else
        {
            _transient.Add(peer);
            ArmPeerTimer(peer, effects);
        }
    }

    /// <summary>Whether the connection to <paramref name="peer"/> is up and not one this core closed since.</summary>
    private bool IsUp(NodeName peer) => _up.ContainsKey(peer) && !_closing.Contains(peer);

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
            if (_up.ContainsKey(peer) && _closing.Add(peer))
            {
                // Forget the expected down after a while: if the driver merged the old connection
                // into a new one, no down comes.
                ArmPeerTimer(peer, effects);
            }
        }
    }
}

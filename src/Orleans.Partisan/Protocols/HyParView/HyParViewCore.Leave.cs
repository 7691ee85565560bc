namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>Leaving and DISCONNECT (§4.2).</summary>
internal sealed partial class HyParViewCore
{
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
            return WithPromotionTimer(effects);
        }

        Departed(node);
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

        return WithPromotionTimer(effects);
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
        _shuffleSent.Clear();
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
                Departed(peer);
                StartPromotion(_options.ActiveViewSize, effects);
            }

            return;
        }

        if (message.Leaving)
        {
            Departed(peer);
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
}

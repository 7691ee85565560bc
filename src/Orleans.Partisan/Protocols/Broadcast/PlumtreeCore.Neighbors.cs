namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>Neighbours coming and going (SRDS 2007 §3.9), members, and the anti-entropy exchange.</summary>
internal sealed partial class PlumtreeCore
{
    /// <inheritdoc />
    public void NeighborUp(NodeName peer, List<BroadcastEffect> effects)
    {
        if (peer.IsEmpty || peer == Self || !_neighbors.Add(peer))
        {
            return;
        }

        // A new neighbour is eager in every tree: the first duplicate over it prunes it where it is redundant.
        foreach (var tree in _trees.Values)
        {
            tree.MakeEager(peer);
        }
    }

    /// <inheritdoc />
    public void NeighborDown(NodeName peer, List<BroadcastEffect> effects)
    {
        if (!_neighbors.Remove(peer))
        {
            return;
        }

        foreach (var tree in _trees.Values)
        {
            tree.Remove(peer);
        }

        _announcements.Drop(peer);

        // Its announcements are struck; a repair waiting on its answer moves on to the next announcer now.
        foreach (var (key, missing) in _missing.Snapshot())
        {
            missing.Announcers.RemoveAll(a => a.From == peer);
            if (missing.State == PlumtreeMissingState.Grafting && missing.Grafted.Count > 0 && missing.Grafted[^1] == peer)
            {
                GraftNext(key, missing, timerRunning: true, effects);
            }
        }
    }

    /// <inheritdoc />
    public void MembersChanged(IReadOnlyCollection<NodeName> members, List<BroadcastEffect> effects) => _exchangePeers.Set(members);

    /// <summary>The exchange tick: one exchange with a member outside this node's own tree when there is one.</summary>
    private void OnExchangeTick(List<BroadcastEffect> effects)
    {
        IReadOnlySet<NodeName> tree = _trees.TryGetValue(Self, out var own) ? own.Eager : _neighbors;
        if (_exchangePeers.Choose(tree, _random) is { } peer)
        {
            effects.Add(new ExchangeEffect(peer));
        }
    }
}

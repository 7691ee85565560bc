namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>The two views and the membership events their changes raise.</summary>
internal sealed partial class HyParViewCore
{
    private readonly List<ActiveLink> _active = [];
    private readonly List<NodeSpec> _passive = [];

    private ActiveLink? FindActive(NodeName name)
    {
        foreach (var link in _active)
        {
            if (link.Name == name)
            {
                return link;
            }
        }

        return null;
    }

    private bool IsActive(NodeName name) => FindActive(name) is not null;

    private int PassiveIndex(NodeName name) => _passive.FindIndex(s => s.Name == name);

    private bool IsKnown(NodeName name) => IsActive(name) || PassiveIndex(name) >= 0;

    /// <summary>
    /// Takes <paramref name="spec"/> into the active view (the paper's addNodeActiveView, §4.2): a full
    /// view first drops a random neighbour to the passive view with a DISCONNECT. Opens the connection
    /// if none is open, and checks later that it came up. Already active: only raises the link's epoch.
    /// </summary>
    private ActiveLink? AddActive(NodeSpec spec, long epoch, List<PeerServiceEffect> effects)
    {
        var name = spec.Name;
        if (name == Self.Name)
        {
            return null;
        }

        Returned(name);

        var existing = FindActive(name);
        if (existing is not null)
        {
            existing.Epoch = Math.Max(existing.Epoch, epoch);
            return existing;
        }

        _pending.Remove(name);
        _transient.Remove(name);
        if (_active.Count >= _options.ActiveViewSize)
        {
            DropRandomActive(effects);
        }

        var passiveIndex = PassiveIndex(name);
        if (passiveIndex >= 0)
        {
            _passive.RemoveAt(passiveIndex);
        }
        else
        {
            effects.Add(new MemberJoinedEffect(spec));
        }

        var link = new ActiveLink(spec, epoch);
        _active.Add(link);
        Open(spec, effects);
        if (!IsUp(name))
        {
            ArmPeerTimer(name, effects);
        }

        return link;
    }

    /// <summary>Drops a random neighbour to the passive view and tells it (dropRandomElementFromActiveView, §4.2).</summary>
    private void DropRandomActive(List<PeerServiceEffect> effects)
    {
        var victim = _active[_random.Next(_active.Count)];
        SendOnLink(victim, new HyParViewDisconnect(Self, victim.Epoch, Leaving: false), effects);
        RemoveActive(victim, toPassive: true, effects, told: true);
    }

    /// <summary>
    /// Removes <paramref name="link"/> from the active view and closes its connection, once up if the
    /// neighbour was just <paramref name="told"/> (a DISCONNECT waiting for the connection would be
    /// dropped with it); keeps the node as passive or forgets it.
    /// </summary>
    private void RemoveActive(ActiveLink link, bool toPassive, List<PeerServiceEffect> effects, bool told = false)
    {
        _active.Remove(link);
        if (told)
        {
            Release(link.Name, effects);
        }
        else
        {
            Close(link.Name, effects);
        }

        if (!toPassive || !InsertPassive(link.Spec, [], effects))
        {
            effects.Add(new MemberLeftEffect(link.Spec));
        }
    }

    /// <summary>Adds a node not known yet to the passive view (addNodePassiveView, §4.2), with its join event.</summary>
    private void Learn(NodeSpec spec, IReadOnlyCollection<NodeName> evictFirst, List<PeerServiceEffect> effects)
    {
        if (spec.Name == Self.Name || IsKnown(spec.Name) || HasDeparted(spec.Name))
        {
            return;
        }

        if (InsertPassive(spec, evictFirst, effects))
        {
            effects.Add(new MemberJoinedEffect(spec));
        }
    }

    /// <summary>
    /// Puts <paramref name="spec"/> (in neither view) into the passive view. A full view first evicts one
    /// of <paramref name="evictFirst"/> if it holds any, else a random entry (§4.4); a node a request is
    /// waiting on is never evicted. False if nothing could be evicted.
    /// </summary>
    private bool InsertPassive(NodeSpec spec, IReadOnlyCollection<NodeName> evictFirst, List<PeerServiceEffect> effects)
    {
        if (_passive.Count >= _options.PassiveViewSize)
        {
            var victim = PickPassive(s => evictFirst.Contains(s.Name) && !_pending.ContainsKey(s.Name))
                ?? PickPassive(s => !_pending.ContainsKey(s.Name));
            if (victim is null)
            {
                return false;
            }

            _passive.Remove(victim);
            effects.Add(new MemberLeftEffect(victim));
        }

        _passive.Add(spec);
        return true;
    }

    /// <summary>Forgets a passive node, with its leave event.</summary>
    private void ForgetPassive(NodeName name, List<PeerServiceEffect> effects)
    {
        var index = PassiveIndex(name);
        if (index >= 0)
        {
            var spec = _passive[index];
            _passive.RemoveAt(index);
            effects.Add(new MemberLeftEffect(spec));
        }
    }

    private NodeSpec? PickPassive(Func<NodeSpec, bool> where)
    {
        var candidates = _passive.Where(where).ToList();
        return candidates.Count == 0 ? null : candidates[_random.Next(candidates.Count)];
    }

    private ActiveLink? PickActive(NodeName except)
    {
        var candidates = _active.Where(l => l.Name != except).ToList();
        return candidates.Count == 0 ? null : candidates[_random.Next(candidates.Count)];
    }

    /// <summary>Up to <paramref name="count"/> distinct elements of <paramref name="source"/>, chosen at random.</summary>
    private List<T> Sample<T>(IEnumerable<T> source, int count)
    {
        var pool = source.ToList();
        var take = Math.Min(count, pool.Count);
        for (var i = 0; i < take; i++)
        {
            var j = _random.Next(i, pool.Count);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }

        pool.RemoveRange(take, pool.Count - take);
        return pool;
    }
}

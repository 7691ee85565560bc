namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>The two views and the membership events their changes raise.</summary>
internal sealed partial class HyParViewCore
{
    private readonly List<ActiveLink> _active = [];
    private readonly List<NodeSpec> _passive = [];

    // The buffer of Sample: empty between calls.
    private readonly List<NodeSpec> _samplePool = [];

    // The buffer of PickPassiveIndex: the candidates' indices, valid during a call only.
    private int[] _pickBuffer = [];

    // During a merge with names to evict first: whether each passive entry is one of them, by index.
    private readonly List<bool> _evictMarks = [];

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

    private int PassiveIndex(NodeName name)
    {
        for (var i = 0; i < _passive.Count; i++)
        {
            if (_passive[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

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
    /// waiting on is never evicted. False if nothing could be evicted. With names to evict first (only a
    /// merge gives them), <see cref="_evictMarks"/> says which entries they are and is kept in step here.
    /// </summary>
    private bool InsertPassive(NodeSpec spec, IReadOnlyCollection<NodeName> evictFirst, List<PeerServiceEffect> effects)
    {
        var marked = evictFirst.Count > 0;
        if (_passive.Count >= _options.PassiveViewSize)
        {
            var victim = marked ? PickMarkedPassiveIndex() : -1;
            if (victim < 0)
            {
                victim = PickPassiveIndex(new PassiveFilter(_pending, null));
            }

            if (victim < 0)
            {
                return false;
            }

            var evicted = _passive[victim];
            _passive.RemoveAt(victim);
            if (marked)
            {
                _evictMarks.RemoveAt(victim);
            }

            effects.Add(new MemberLeftEffect(evicted));
        }

        _passive.Add(spec);
        if (marked)
        {
            _evictMarks.Add(evictFirst.Contains(spec.Name));
        }

        return true;
    }

    /// <summary>Notes which passive entries are among <paramref name="evictFirst"/>, once per merge (not once per entry and insert).</summary>
    private void MarkEvictFirst(IReadOnlyCollection<NodeName> evictFirst)
    {
        _evictMarks.Clear();
        foreach (var spec in _passive)
        {
            _evictMarks.Add(evictFirst.Contains(spec.Name));
        }
    }

    /// <summary>
    /// The index of a random marked passive entry no request is waiting on, or -1: the same candidates, in
    /// the same order, and the same single draw as a pick filtered by the names themselves.
    /// </summary>
    private int PickMarkedPassiveIndex()
    {
        EnsurePickBuffer();
        var count = 0;
        for (var i = 0; i < _passive.Count; i++)
        {
            if (_evictMarks[i] && (_pending.Count == 0 || !_pending.ContainsKey(_passive[i].Name)))
            {
                _pickBuffer[count++] = i;
            }
        }

        return count == 0 ? -1 : _pickBuffer[_random.Next(count)];
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

    /// <summary>
    /// The index of a random passive entry that satisfies <paramref name="where"/>, or -1. Notes the
    /// candidates' indices in a buffer the core keeps, draws one: the same single draw as picking from a
    /// filtered copy, without the copy, and the filter asked once per entry (this runs on every insert
    /// into a full passive view, several times per shuffle).
    /// </summary>
    private int PickPassiveIndex<TFilter>(in TFilter where)
        where TFilter : struct, IPassiveFilter
    {
        EnsurePickBuffer();
        var count = 0;
        for (var i = 0; i < _passive.Count; i++)
        {
            if (where.Accepts(_passive[i].Name))
            {
                _pickBuffer[count++] = i;
            }
        }

        return count == 0 ? -1 : _pickBuffer[_random.Next(count)];
    }

    private void EnsurePickBuffer()
    {
        if (_pickBuffer.Length < _passive.Count)
        {
            _pickBuffer = new int[Math.Max(_passive.Count, _options.PassiveViewSize)];
        }
    }

    private NodeSpec? PickPassive<TFilter>(in TFilter where)
        where TFilter : struct, IPassiveFilter
    {
        var index = PickPassiveIndex(where);
        return index < 0 ? null : _passive[index];
    }

    private ActiveLink? PickActive(NodeName except)
    {
        var count = 0;
        foreach (var link in _active)
        {
            if (link.Name != except)
            {
                count++;
            }
        }

        if (count == 0)
        {
            return null;
        }

        var chosen = _random.Next(count);
        foreach (var link in _active)
        {
            if (link.Name != except && chosen-- == 0)
            {
                return link;
            }
        }

        return null;
    }

    /// <summary>
    /// Up to <paramref name="count"/> distinct elements of <see cref="_samplePool"/>, which the caller filled,
    /// chosen at random (a partial Fisher-Yates shuffle in that buffer, so only the chosen few are copied
    /// out); empties the buffer.
    /// </summary>
    private NodeSpec[] SamplePool(int count)
    {
        var pool = _samplePool;
        var take = Math.Min(count, pool.Count);
        for (var i = 0; i < take; i++)
        {
            var j = _random.Next(i, pool.Count);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }

        var chosen = new NodeSpec[take];
        pool.CopyTo(0, chosen, 0, take);
        pool.Clear();
        return chosen;
    }

    /// <summary>Up to <paramref name="count"/> of the active neighbours but <paramref name="except"/>, chosen at random.</summary>
    private NodeSpec[] SampleActive(NodeName except, int count)
    {
        foreach (var link in _active)
        {
            if (link.Name != except)
            {
                _samplePool.Add(link.Spec);
            }
        }

        return SamplePool(count);
    }

    /// <summary>Up to <paramref name="count"/> of the passive nodes but <paramref name="except"/> (if given), chosen at random.</summary>
    private NodeSpec[] SamplePassive(NodeName except, int count)
    {
        if (except.IsEmpty)
        {
            _samplePool.AddRange(_passive);
        }
        else
        {
            foreach (var spec in _passive)
            {
                if (spec.Name != except)
                {
                    _samplePool.Add(spec);
                }
            }
        }

        return SamplePool(count);
    }
}

namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// The candidates of the anti-entropy exchange (every member but this node, ordered by name) and the
/// choice of one per exchange tick: a random member outside the given tree links when there is one,
/// else any (Partisan's exchange selection, which prefers peers the tree does not already reach).
/// </summary>
internal sealed class ExchangePeers(NodeName self)
{
    // The members in the first _count slots; sorted and distinct once _sorted. The buffer only grows. Set
    // runs on every membership change and Choose once per exchange tick, so the sort waits for Choose.
    private NodeName[] _members = [];
    private int _count;
    private bool _sorted = true;
    private NodeName[] _outside = [];

    /// <summary>Replaces the members (this node is left out; duplicates are ignored).</summary>
    public void Set(IReadOnlyCollection<NodeName> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (_members.Length < members.Count)
        {
            _members = new NodeName[members.Count];
        }

        var count = 0;
        if (members is List<NodeName> list)
        {
            // The simulator's reused list: indexed, so no boxed enumerator on every membership change.
            for (var i = 0; i < list.Count; i++)
            {
                if (!list[i].IsEmpty && list[i] != self)
                {
                    _members[count++] = list[i];
                }
            }
        }
        else
        {
            foreach (var member in members)
            {
                if (!member.IsEmpty && member != self)
                {
                    _members[count++] = member;
                }
            }
        }

        Array.Clear(_members, count, _members.Length - count);
        _count = count;
        _sorted = false;
    }

    /// <summary>A random member not in <paramref name="tree"/> if there is one, else a random member; null without members.</summary>
    public NodeName? Choose(IReadOnlySet<NodeName> tree, Random random)
    {
        SortAndDeduplicate();
        if (_count == 0)
        {
            return null;
        }

        // The candidates go into a buffer the instance keeps (no list per tick); one draw among them, in name order.
        if (_outside.Length < _count)
        {
            _outside = new NodeName[_members.Length];
        }

        var outside = 0;
        for (var i = 0; i < _count; i++)
        {
            if (!tree.Contains(_members[i]))
            {
                _outside[outside++] = _members[i];
            }
        }

        var chosen = outside > 0 ? _outside[random.Next(outside)] : _members[random.Next(_count)];
        Array.Clear(_outside, 0, outside);
        return chosen;
    }

    private void SortAndDeduplicate()
    {
        if (_sorted)
        {
            return;
        }

        Array.Sort(_members, 0, _count);
        var distinct = 0;
        for (var i = 0; i < _count; i++)
        {
            if (distinct == 0 || _members[i] != _members[distinct - 1])
            {
                _members[distinct++] = _members[i];
            }
        }

        Array.Clear(_members, distinct, _count - distinct);
        _count = distinct;
        _sorted = true;
    }
}

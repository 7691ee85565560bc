namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// The candidates of the anti-entropy exchange (every member but this node, ordered by name) and the
/// choice of one per exchange tick: a random member outside the given tree links when there is one,
/// else any (Partisan's exchange selection, which prefers peers the tree does not already reach).
/// </summary>
internal sealed class ExchangePeers(NodeName self)
{
    // Sorted and distinct in the first _count slots; the buffer only grows (this runs on every membership change).
    private NodeName[] _members = [];
    private int _count;

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

        Array.Sort(_members, 0, count);
        var distinct = 0;
        for (var i = 0; i < count; i++)
        {
            if (distinct == 0 || _members[i] != _members[distinct - 1])
            {
                _members[distinct++] = _members[i];
            }
        }

        Array.Clear(_members, distinct, _members.Length - distinct);
        _count = distinct;
    }

    /// <summary>A random member not in <paramref name="tree"/> if there is one, else a random member; null without members.</summary>
    public NodeName? Choose(IReadOnlySet<NodeName> tree, Random random)
    {
        if (_count == 0)
        {
            return null;
        }

        var outside = new List<NodeName>(_count);
        for (var i = 0; i < _count; i++)
        {
            if (!tree.Contains(_members[i]))
            {
                outside.Add(_members[i]);
            }
        }

        return outside.Count > 0 ? outside[random.Next(outside.Count)] : _members[random.Next(_count)];
    }
}

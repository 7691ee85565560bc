namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// The candidates of the anti-entropy exchange (every member but this node, ordered by name) and the
/// choice of one per exchange tick: a random member outside the given tree links when there is one,
/// else any (Partisan's exchange selection, which prefers peers the tree does not already reach).
/// </summary>
internal sealed class ExchangePeers(NodeName self)
{
    private NodeName[] _members = [];

    /// <summary>Replaces the members (this node is left out; duplicates are ignored).</summary>
    public void Set(IReadOnlyCollection<NodeName> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        // Sorted and deduplicated in one array (this runs on every membership change).
        var sorted = new NodeName[members.Count];
        var count = 0;
        foreach (var member in members)
        {
            if (!member.IsEmpty && member != self)
            {
                sorted[count++] = member;
            }
        }

        Array.Sort(sorted, 0, count);
        var distinct = 0;
        for (var i = 0; i < count; i++)
        {
            if (distinct == 0 || sorted[i] != sorted[distinct - 1])
            {
                sorted[distinct++] = sorted[i];
            }
        }

        _members = distinct == sorted.Length ? sorted : sorted[..distinct];
    }

    /// <summary>A random member not in <paramref name="tree"/> if there is one, else a random member; null without members.</summary>
    public NodeName? Choose(IReadOnlySet<NodeName> tree, Random random)
    {
        if (_members.Length == 0)
        {
            return null;
        }

        var outside = new List<NodeName>(_members.Length);
        foreach (var member in _members)
        {
            if (!tree.Contains(member))
            {
                outside.Add(member);
            }
        }

        IReadOnlyList<NodeName> pool = outside.Count > 0 ? outside : _members;
        return pool[random.Next(pool.Count)];
    }
}

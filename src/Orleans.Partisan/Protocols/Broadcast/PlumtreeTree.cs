namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// One node's links in the broadcast tree of one root (SRDS 2007 §3.3, one tree per root as in §3.8):
/// the neighbours it pushes the root's messages to (eager) and those it only announces them to (lazy).
/// A neighbour is in at most one of the two sets.
/// </summary>
/// <remarks>The sets keep insertion order (they are enumerated to send), which depends on the calls made, never on hash codes.</remarks>
internal sealed class PlumtreeTree(NodeName root)
{
    /// <summary>The root of the tree.</summary>
    public NodeName Root { get; } = root;

    /// <summary>The neighbours this node pushes the root's messages to.</summary>
    public HashSet<NodeName> Eager { get; } = [];

    /// <summary>The neighbours this node announces the root's messages to.</summary>
    public HashSet<NodeName> Lazy { get; } = [];

    /// <summary>When the tree was last used, on the core's use clock: the least recently used tree is forgotten first.</summary>
    public long LastUsed { get; set; }

    /// <summary>Makes <paramref name="peer"/> an eager peer.</summary>
    public void MakeEager(NodeName peer)
    {
        Lazy.Remove(peer);
        Eager.Add(peer);
    }

    /// <summary>Makes <paramref name="peer"/> a lazy peer.</summary>
    public void MakeLazy(NodeName peer)
    {
        Eager.Remove(peer);
        Lazy.Add(peer);
    }

    /// <summary>Forgets <paramref name="peer"/> (it is no neighbour any more).</summary>
    public void Remove(NodeName peer)
    {
        Eager.Remove(peer);
        Lazy.Remove(peer);
    }

    /// <summary>The links for diagnostics, each set ordered by name.</summary>
    public BroadcastTreeLinks Links() => new(Root, [.. Eager.Order()], [.. Lazy.Order()]);
}

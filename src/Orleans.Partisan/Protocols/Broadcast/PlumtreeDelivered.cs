namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>What a node remembers of a message it received (or learned the handler has).</summary>
internal sealed class PlumtreeDelivered(NodeName root, int round, NodeName? parent)
{
    /// <summary>The root of the message's tree.</summary>
    public NodeName Root { get; } = root;

    /// <summary>The hops from the root over which the message came (0 at the root); compared with IHAVE rounds by the optimisation.</summary>
    public int Round { get; set; } = round;

    /// <summary>The neighbour it came from first (this node's parent for it), or null at the root or when learned from the handler.</summary>
    public NodeName? Parent { get; set; } = parent;

    /// <summary>Whether <see cref="Parent"/> sent it in answer to a GRAFT of this node (then a "not new" from the handler prunes nothing).</summary>
    public bool ParentGrafted { get; set; }

    /// <summary>Neighbours grafted for this message whose answer has not come yet: their GOSSIP is no duplicate to prune.</summary>
    public List<NodeName>? AwaitedGrafts { get; set; }
}

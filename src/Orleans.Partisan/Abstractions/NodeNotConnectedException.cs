namespace Orleans.Partisan;

/// <summary>A message was addressed to a member that has no open connection at the moment.</summary>
[GenerateSerializer, Alias("partisan.NodeNotConnectedException")]
public sealed class NodeNotConnectedException : PartisanException
{
    /// <summary>Creates the exception.</summary>
    public NodeNotConnectedException(NodeName node, string channel)
        : base($"Node '{node}' has no open connection on channel '{channel}' (nor on the default channel).")
    {
        Node = node;
        Channel = channel;
    }

    /// <summary>The node.</summary>
    [Id(0)]
    public NodeName Node { get; }

    /// <summary>The channel that was asked for.</summary>
    [Id(1)]
    public string Channel { get; }
}

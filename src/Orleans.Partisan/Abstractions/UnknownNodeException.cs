namespace Orleans.Partisan;

/// <summary>A message was addressed to a node that is not a member of the overlay.</summary>
[GenerateSerializer, Alias("partisan.UnknownNodeException")]
public sealed class UnknownNodeException : PartisanException
{
    /// <summary>Creates the exception.</summary>
    public UnknownNodeException(NodeName node)
        : base($"Node '{node}' is not a member of the overlay.")
    {
        Node = node;
    }

    /// <summary>The unknown node.</summary>
    [Id(0)]
    public NodeName Node { get; }
}

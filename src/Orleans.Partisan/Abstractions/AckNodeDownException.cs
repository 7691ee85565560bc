namespace Orleans.Partisan;

/// <summary>
/// An acknowledged send (<see cref="ForwardOptions.Ack"/>) failed because its destination went down: it
/// left the overlay, or (with <see cref="DeliveryOptions.FailOnNodeDown"/>) its connection was lost or it was
/// not connected. The message may have been delivered, once, if a copy got there.
/// </summary>
[GenerateSerializer, Alias("partisan.AckNodeDownException")]
public sealed class AckNodeDownException : PartisanException
{
    /// <summary>Creates the exception.</summary>
    public AckNodeDownException(NodeName node, NodeDownReason reason)
        : base($"The message to node '{node}' was not acknowledged: the node went down ({reason}).")
    {
        Node = node;
        Reason = reason;
    }

    /// <summary>The destination.</summary>
    [Id(0)]
    public NodeName Node { get; }

    /// <summary>Why it went down.</summary>
    [Id(1)]
    public NodeDownReason Reason { get; }
}

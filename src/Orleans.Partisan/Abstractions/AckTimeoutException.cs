namespace Orleans.Partisan;

/// <summary>
/// An acknowledged send (<see cref="ForwardOptions.Ack"/>) was not acknowledged within
/// <see cref="DeliveryOptions.AckTimeout"/>. The message may still be delivered, once, if a copy was on its
/// way; it is not retransmitted any more (unless it carries a causal label).
/// </summary>
[GenerateSerializer, Alias("partisan.AckTimeoutException")]
public sealed class AckTimeoutException : PartisanException
{
    /// <summary>Creates the exception.</summary>
    public AckTimeoutException(NodeName node, TimeSpan timeout)
        : base($"The message to node '{node}' was not acknowledged within {timeout}.")
    {
        Node = node;
        Timeout = timeout;
    }

    /// <summary>The destination.</summary>
    [Id(0)]
    public NodeName Node { get; }

    /// <summary>How long the send waited.</summary>
    [Id(1)]
    public TimeSpan Timeout { get; }
}

namespace Orleans.Partisan;

/// <summary>
/// The node a call was sent to went down (<c>nodedown</c>) before it replied, so the call failed at once
/// rather than at its timeout. Whether the target handled the request is unknown.
/// </summary>
[GenerateSerializer, Alias("partisan.CallNodeDownException")]
public sealed class CallNodeDownException : CallFailedException
{
    /// <summary>Creates the exception.</summary>
    public CallNodeDownException(NodeName node, PartisanTarget target, PartisanRef call, NodeDownReason reason)
        : base(node, target, call, $"failed: the node went down ({reason}) before it replied.")
    {
        Reason = reason;
    }

    /// <summary>Why the node went down, as node monitors report it.</summary>
    [Id(0)]
    public NodeDownReason Reason { get; }
}

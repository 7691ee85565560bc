namespace Orleans.Partisan;

/// <summary>
/// The base of the errors of <see cref="IPartisan.CallAsync{TResponse}"/> after the request was sent: no
/// usable reply came back. Errors before sending (unknown channel or node, no connection, a message that
/// cannot be serialized) are those of <see cref="IPartisan.ForwardMessageAsync(NodeName, PartisanTarget, object, ForwardOptions, CancellationToken)"/>.
/// </summary>
[GenerateSerializer, Alias("partisan.CallFailedException")]
public abstract class CallFailedException : PartisanException
{
    private protected CallFailedException(NodeName node, PartisanTarget target, PartisanRef call, string message)
        : base($"Call {call} to {target} on node '{node}' {message}")
    {
        Node = node;
        Target = target;
        Call = call;
    }

    /// <summary>The node the call was sent to.</summary>
    [Id(0)]
    public NodeName Node { get; }

    /// <summary>The target the call was addressed to.</summary>
    [Id(1)]
    public PartisanTarget Target { get; }

    /// <summary>The reference that correlated the call with its reply.</summary>
    [Id(2)]
    public PartisanRef Call { get; }
}

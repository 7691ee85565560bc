namespace Orleans.Partisan;

/// <summary>
/// The node a call was sent to has no such target (no receiver of that name, no such mailbox, a grain that
/// does not implement <see cref="IPartisanRequestHandler"/>, or no grain runtime); it answered so at once.
/// </summary>
[GenerateSerializer, Alias("partisan.CallTargetNotFoundException")]
public sealed class CallTargetNotFoundException : CallFailedException
{
    /// <summary>Creates the exception.</summary>
    public CallTargetNotFoundException(NodeName node, PartisanTarget target, PartisanRef call, string detail)
        : base(node, target, call, $"failed: no such target there ({detail}).")
    {
        Detail = detail;
    }

    /// <summary>What the node found missing, in its own words.</summary>
    [Id(0)]
    public string Detail { get; }
}

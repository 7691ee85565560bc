namespace Orleans.Partisan.Runtime;

/// <summary>
/// Where a reply goes: the pending call <see cref="Call"/> on its caller's node, not a receiver, mailbox or
/// grain, so no target a user sees gets it. Used as the target of a <c>ForwardEnvelope</c> carrying a
/// <see cref="CallReply"/> or <see cref="CallFailed"/>, so replies travel (and are relayed) as forwards do.
/// </summary>
/// <param name="Call">The call being answered.</param>
[GenerateSerializer, Immutable, Alias("partisan.CallReplyTarget")]
internal sealed record CallReplyTarget([property: Id(0)] PartisanRef Call) : PartisanTarget
{
    /// <inheritdoc />
    public override string ToString() => $"reply:{Call}";
}

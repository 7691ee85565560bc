namespace Orleans.Partisan.Transport;

/// <summary>
/// Where the answer to a call goes: the pending call <see cref="Call"/> on the node the answer is sent to (the
/// caller's), not a receiver, mailbox or grain, so no target a user sees gets it. The message is the reply, which
/// may be <see langword="null"/>, or (<see cref="IsFailure"/>) the callee's word that it could not answer.
/// </summary>
/// <param name="Call">The call's number on the caller's node.</param>
/// <param name="IsFailure">Whether the message says why the call could not be answered instead of being the reply.</param>
[GenerateSerializer, Immutable, Alias("partisan.CallAnswer")]
internal sealed record CallAnswerTarget([property: Id(0)] long Call, [property: Id(1)] bool IsFailure) : PartisanTarget
{
    /// <inheritdoc />
    public override string ToString() => IsFailure ? $"call-failure:{Call}" : $"call-reply:{Call}";
}

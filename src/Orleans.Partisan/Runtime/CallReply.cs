namespace Orleans.Partisan.Runtime;

/// <summary>The answer to a call, addressed to a <see cref="CallReplyTarget"/>.</summary>
/// <param name="Response">The reply, as the callee gave it.</param>
[GenerateSerializer, Immutable, Alias("partisan.CallReply")]
internal sealed record CallReply([property: Id(0)] object? Response);

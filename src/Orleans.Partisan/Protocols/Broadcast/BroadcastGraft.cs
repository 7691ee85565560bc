namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// GRAFT: the sender missed a message it was told about and asks for it; the receiver adds the
/// sender to the eager peers of the message's root and answers with a <see cref="BroadcastGossip"/>.
/// </summary>
/// <param name="Handler">The broadcast handler that owns the message.</param>
/// <param name="MessageId">The missing message.</param>
/// <param name="Root">The root of the message's tree.</param>
/// <param name="Round">The round of the announcement the sender acts on.</param>
[GenerateSerializer, Immutable, Alias("partisan.broadcast.Graft")]
internal sealed record BroadcastGraft(
    [property: Id(0)] string Handler,
    [property: Id(1)] object MessageId,
    [property: Id(2)] NodeName Root,
    [property: Id(3)] int Round) : IBroadcastMessage
{
    /// <summary>
    /// Whether the sender asks only to become an eager peer of <see cref="Root"/>'s tree and needs no
    /// payload, because it has the message: the tree optimisation (SRDS 2007 §3.7) moving its parent to a
    /// shorter path. The receiver answers such a graft with nothing. Default <see langword="false"/>.
    /// </summary>
    [Id(4)]
    public bool LinkOnly { get; init; }

    string? IBroadcastMessage.Handler => Handler;
}

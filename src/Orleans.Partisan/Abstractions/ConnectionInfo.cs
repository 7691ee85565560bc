namespace Orleans.Partisan;

/// <summary>One open overlay connection, as shown by diagnostics.</summary>
/// <param name="Peer">The node at the other end.</param>
/// <param name="Channel">The channel.</param>
/// <param name="Lane">The lane within the channel, from 0 to parallelism - 1.</param>
/// <param name="Direction">Who dialled.</param>
/// <param name="QueuedMessages">Messages waiting in the send queue (outbound only).</param>
[GenerateSerializer, Immutable, Alias("partisan.ConnectionInfo")]
public sealed record ConnectionInfo(
    [property: Id(0)] NodeName Peer,
    [property: Id(1)] string Channel,
    [property: Id(2)] int Lane,
    [property: Id(3)] ConnectionDirection Direction,
    [property: Id(4)] int QueuedMessages);

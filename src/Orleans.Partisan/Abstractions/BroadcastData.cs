namespace Orleans.Partisan;

/// <summary>A message to broadcast, as its handler identifies it (<c>broadcast_data/1</c>'s answer).</summary>
/// <param name="MessageId">The message's identity: a value with value equality, serializable by Orleans.</param>
/// <param name="Payload">What every silo's handler merges.</param>
[GenerateSerializer, Immutable, Alias("partisan.BroadcastData")]
public sealed record BroadcastData([property: Id(0)] object MessageId, [property: Id(1)] object Payload);

namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>
/// The stream an acknowledged message keeps its order in: messages to one destination with the same key
/// are delivered in the order they were sent (<see cref="AckStamp.Predecessor"/>).
/// </summary>
/// <param name="Channel">The channel.</param>
/// <param name="PartitionKey">The partition key, or <see langword="null"/> for the channel's messages without one.</param>
internal readonly record struct OrderKey(string Channel, int? PartitionKey);

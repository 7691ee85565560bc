namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>The identity of a broadcast message across handlers: the handler and the handler's identity of the message.</summary>
/// <param name="Handler">The broadcast handler that owns the message.</param>
/// <param name="MessageId">The handler's identity of the message (a value with value equality).</param>
internal readonly record struct BroadcastMessageKey(string Handler, object MessageId);

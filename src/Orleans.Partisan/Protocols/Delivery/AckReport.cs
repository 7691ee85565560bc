namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>An acknowledgement from a receiver to a sender.</summary>
/// <param name="Session">The sender's session it answers.</param>
/// <param name="Contiguous">Every message numbered up to this one was delivered (or given up by the sender).</param>
/// <param name="Above">Messages numbered above <paramref name="Contiguous"/> that were delivered too, ascending (a bounded sample).</param>
internal readonly record struct AckReport(long Session, long Contiguous, IReadOnlyList<long> Above);

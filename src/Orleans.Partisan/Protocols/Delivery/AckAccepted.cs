namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>A message the receiver should deliver now; report its completion with its session and number.</summary>
/// <param name="Session">Its sender's session.</param>
/// <param name="Sequence">Its number.</param>
/// <param name="Item">The caller's message.</param>
internal readonly record struct AckAccepted<T>(long Session, long Sequence, T Item);

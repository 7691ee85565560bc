namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>The result of <see cref="CausalBuffer{T}.NodeLeft"/>.</summary>
/// <param name="Released">Buffered messages of other senders that waited only for the departed node's messages: deliver them now, in this order.</param>
/// <param name="Discarded">The departed node's own buffered messages, dropped.</param>
internal readonly record struct CausalDeparture<T>(IReadOnlyList<T> Released, IReadOnlyList<T> Discarded);

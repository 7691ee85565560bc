namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>A buffered causal message.</summary>
/// <param name="Row">The receiver's row of its stamp: what must be delivered before it.</param>
/// <param name="Stamp">Its stamp, merged into the receiver's knowledge when it is delivered.</param>
/// <param name="Item">What the caller delivers.</param>
internal sealed record CausalWaiting<T>(VectorClock Row, CausalStamp Stamp, T Item);

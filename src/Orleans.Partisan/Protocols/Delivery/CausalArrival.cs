namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>The result of <see cref="CausalBuffer{T}.Receive"/>.</summary>
/// <param name="Outcome">What became of the message.</param>
/// <param name="Deliver">
/// What to deliver now, in this order: for <see cref="CausalOutcome.Delivered"/> the message itself, then the
/// buffered messages it released; empty otherwise.
/// </param>
/// <param name="Problem">For <see cref="CausalOutcome.Invalid"/>, what is wrong with the stamp.</param>
internal readonly record struct CausalArrival<T>(CausalOutcome Outcome, IReadOnlyList<T> Deliver, string? Problem = null);

namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>The result of <see cref="AckReceiver{T}.Receive"/>.</summary>
/// <param name="Outcome">What became of the message.</param>
/// <param name="Released">
/// Held messages of the same sender that the stamp's base released (their predecessor was given up):
/// deliver them as accepted ones. Independent of <paramref name="Outcome"/>.
/// </param>
/// <param name="Dropped">Held messages the sender gave up (below its base), dropped.</param>
internal readonly record struct AckArrival<T>(AckOutcome Outcome, IReadOnlyList<AckAccepted<T>> Released, int Dropped = 0);

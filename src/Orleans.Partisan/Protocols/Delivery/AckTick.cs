namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>The result of <see cref="AckTracker{T}.Tick"/>.</summary>
/// <param name="Retransmit">Messages not acknowledged for a retransmit interval: send these copies, in this order.</param>
/// <param name="Expired">Messages whose deadline passed: fail their senders' waits.</param>
/// <param name="NextDue">When the tracker next has something to do, or <see langword="null"/> when nothing is outstanding.</param>
internal readonly record struct AckTick<T>(IReadOnlyList<AckOutgoing<T>> Retransmit, IReadOnlyList<AckExpired<T>> Expired, TimeSpan? NextDue);

namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>
/// An outstanding message of an <see cref="AckTracker{T}"/>, kept by value in its destination's ring (so tracking a
/// message allocates nothing); an empty slot has <see cref="Sequence"/> 0.
/// </summary>
internal struct AckEntry<T>(long sequence, long predecessor, OrderKey? key, T message, bool pinned, TimeSpan? deadline, TimeSpan sent)
{
    public long Sequence { get; } = sequence;

    public long Predecessor { get; } = predecessor;

    public OrderKey? Key { get; } = key;

    public T Message { get; } = message;

    /// <summary>Never given up on while the destination lives (a causal message: its successors wait for it).</summary>
    public bool Pinned { get; } = pinned;

    /// <summary>When its sender stops waiting; <see langword="null"/> once that has been reported (or when it waits for ever).</summary>
    public TimeSpan? Deadline { get; set; } = deadline;

    /// <summary>When the last copy was sent.</summary>
    public TimeSpan LastSent { get; set; } = sent;
}

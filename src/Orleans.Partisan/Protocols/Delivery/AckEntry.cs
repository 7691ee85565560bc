namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>An outstanding message of an <see cref="AckTracker{T}"/>.</summary>
internal sealed class AckEntry<T>(long sequence, long predecessor, OrderKey? key, T message, bool pinned, TimeSpan? deadline, TimeSpan sent)
{
    public long Sequence { get; } = sequence;

    public long Predecessor { get; } = predecessor;

    public OrderKey? Key { get; } = key;

    public T Message { get; } = message;

    /// <summary>Never given up on while the destination lives (a causal message: its successors wait for it).</summary>
    public bool Pinned { get; } = pinned;

    /// <summary>When the ack timeout passes; <see langword="null"/> once it has been reported (or without a timeout).</summary>
    public TimeSpan? Deadline { get; set; } = deadline;

    /// <summary>When the last copy was sent.</summary>
    public TimeSpan LastSent { get; set; } = sent;
}

namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>What became of a causal message handed to <see cref="CausalBuffer{T}.Receive"/>.</summary>
internal enum CausalOutcome
{
    /// <summary>Its causal predecessors were all delivered: it is delivered now, with any buffered messages it released.</summary>
    Delivered,

    /// <summary>A predecessor is missing: it waits in the buffer.</summary>
    Buffered,

    /// <summary>It was delivered before: drop this copy.</summary>
    Duplicate,

    /// <summary>The same message waits in the buffer already: drop this copy.</summary>
    AlreadyBuffered,

    /// <summary>
    /// It would have to wait, but its label's buffer is full: it was refused and is not kept. Its sender
    /// retransmits it (causal messages are carried reliably), by which time its predecessors may have arrived.
    /// </summary>
    Overflow,

    /// <summary>Its sender left: it is discarded (see <see cref="CausalBuffer{T}.NodeLeft"/>).</summary>
    Departed,

    /// <summary>Its stamp is malformed, or does not count the message itself: it is discarded.</summary>
    Invalid,
}

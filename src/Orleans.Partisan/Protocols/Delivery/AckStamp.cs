namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>What an acknowledged message carries for the ack layer.</summary>
/// <param name="Session">
/// The sender's session with the destination: numbers are unique within it. A sender that drops its
/// state for a destination (the destination left) starts a higher session if it sends there again,
/// and the receiver starts afresh when it sees one.
/// </param>
/// <param name="Sequence">The message's number in the session, from 1.</param>
/// <param name="Predecessor">
/// The number of the previous message of the same order key (channel and partition key) that was not
/// acknowledged when this one was sent, or 0: the receiver delivers this one only after that one.
/// </param>
/// <param name="Base">
/// The sender's lowest number still outstanding when this copy was sent: everything below it was
/// acknowledged or given up, so the receiver stops waiting for it.
/// </param>
internal readonly record struct AckStamp(long Session, long Sequence, long Predecessor, long Base)
{
    /// <summary>Whether the numbers are consistent: positive, the predecessor and base below or at the sequence.</summary>
    public bool IsValid => Session > 0 && Sequence > 0 && Predecessor >= 0 && Predecessor < Sequence && Base > 0 && Base <= Sequence;
}

namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>What became of a message handed to <see cref="AckReceiver{T}.Receive"/>.</summary>
internal enum AckOutcome
{
    /// <summary>New: deliver it, then report <see cref="AckReceiver{T}.Completed"/> (or <see cref="AckReceiver{T}.Abandoned"/>).</summary>
    Accepted,

    /// <summary>Delivered before: drop this copy; an acknowledgement is due again (the last one may have been lost).</summary>
    Duplicate,

    /// <summary>Being delivered, or held, already: drop this copy.</summary>
    InProgress,

    /// <summary>Its predecessor of the same order key is not delivered yet: held, and released by the predecessor's completion.</summary>
    Held,

    /// <summary>Too far ahead of what was delivered (beyond the window): dropped unacknowledged, so the sender retransmits it.</summary>
    Refused,

    /// <summary>From an older session of its sender, which gave it up: dropped.</summary>
    Stale,

    /// <summary>Its stamp is inconsistent: dropped.</summary>
    Invalid,
}

namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>An <see cref="AckReceiver{T}"/>'s state for one sender's session.</summary>
internal sealed class AckSenderState<T>(long session)
{
    public long Session { get; } = session;

    /// <summary>Every number up to this one was delivered (or given up by the sender).</summary>
    public long Contiguous { get; set; }

    /// <summary>Numbers above <see cref="Contiguous"/> that were delivered.</summary>
    public HashSet<long> Done { get; } = [];

    /// <summary>Numbers accepted and being delivered.</summary>
    public HashSet<long> InProgress { get; } = [];

    /// <summary>Held messages, by the predecessor they wait for.</summary>
    public Dictionary<long, List<(long Sequence, T Item)>> Held { get; } = [];

    /// <summary>The numbers of the held messages.</summary>
    public HashSet<long> HeldSequences { get; } = [];

    /// <summary>Whether an acknowledgement is due.</summary>
    public bool ReportDue { get; set; }

    /// <summary>Whether <paramref name="sequence"/> was delivered (or given up by the sender).</summary>
    public bool IsDone(long sequence) => sequence <= Contiguous || Done.Contains(sequence);
}

namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>
/// An <see cref="AckReceiver{T}"/>'s state for one sender's session. Small when nothing is out of order:
/// the sets are made when first needed.
/// </summary>
internal sealed class AckSenderState<T>(long session)
{
    private HashSet<long>? _done;
    private long _inProgressOne;
    private HashSet<long>? _inProgressMore;
    private Dictionary<long, List<(long Sequence, T Item)>>? _held;

    public long Session { get; } = session;

    /// <summary>Every number up to this one was delivered (or given up by the sender).</summary>
    public long Contiguous { get; set; }

    /// <summary>Numbers above <see cref="Contiguous"/> that were delivered.</summary>
    public HashSet<long> Done => _done ??= [];

    /// <summary>How many numbers above <see cref="Contiguous"/> were delivered.</summary>
    public int DoneCount => _done?.Count ?? 0;

    /// <summary>Records that <paramref name="sequence"/> was accepted and is being delivered (most of the time it is the only one, and no set is made).</summary>
    public void StartProgress(long sequence)
    {
        if (_inProgressOne == 0)
        {
            _inProgressOne = sequence;
        }
        else
        {
            (_inProgressMore ??= []).Add(sequence);
        }
    }

    /// <summary>Forgets that <paramref name="sequence"/> is being delivered.</summary>
    public void EndProgress(long sequence)
    {
        if (_inProgressOne == sequence)
        {
            _inProgressOne = 0;
        }
        else
        {
            _inProgressMore?.Remove(sequence);
        }
    }

    /// <summary>Held messages, by the predecessor they wait for.</summary>
    public Dictionary<long, List<(long Sequence, T Item)>> Held => _held ??= [];

    /// <summary>How many predecessors held messages wait for.</summary>
    public int HeldGroups => _held?.Count ?? 0;

    /// <summary>How many messages are held.</summary>
    public int HeldCount => _held?.Values.Sum(w => w.Count) ?? 0;

    /// <summary>Whether an acknowledgement is due.</summary>
    public bool ReportDue { get; set; }

    /// <summary>Whether <paramref name="sequence"/> was delivered (or given up by the sender).</summary>
    public bool IsDone(long sequence) => sequence <= Contiguous || (_done?.Contains(sequence) ?? false);

    /// <summary>Whether <paramref name="sequence"/> is being delivered.</summary>
    public bool IsInProgress(long sequence) => _inProgressOne == sequence || (_inProgressMore?.Contains(sequence) ?? false);

    /// <summary>Whether <paramref name="sequence"/> is held.</summary>
    public bool IsHeld(long sequence) => _held is not null && _held.Values.Any(w => w.Exists(h => h.Sequence == sequence));

    /// <summary>Records that <paramref name="sequence"/> was delivered and moves the contiguous number up as far as it goes.</summary>
    public void MarkDone(long sequence)
    {
        EndProgress(sequence);
        if (sequence == Contiguous + 1)
        {
            Contiguous++;
            while (_done is { Count: > 0 } && _done.Remove(Contiguous + 1))
            {
                Contiguous++;
            }
        }
        else if (sequence > Contiguous)
        {
            Done.Add(sequence);
        }
    }

    /// <summary>Moves the contiguous number up to <paramref name="contiguous"/> (the sender gave up everything below), then as far as it goes.</summary>
    public void AdvanceTo(long contiguous)
    {
        Contiguous = contiguous;
        if (_done is { Count: > 0 })
        {
            _done.RemoveWhere(s => s <= contiguous);
            while (_done.Remove(Contiguous + 1))
            {
                Contiguous++;
            }
        }
    }
}

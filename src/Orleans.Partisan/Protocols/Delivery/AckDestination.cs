namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>
/// An <see cref="AckTracker{T}"/>'s state for one destination node: its session and the outstanding
/// messages, kept by value in a ring indexed by number (the numbers in use span less than the window).
/// </summary>
internal sealed class AckDestination<T>(long session)
{
    private AckEntry<T>[] _ring = new AckEntry<T>[4];
    private Dictionary<OrderKey, long>? _lastByKey;

    // The first key used to this destination keeps its last number here rather than in the dictionary: most senders
    // use one channel and no partition key, and then a message costs no hashing of its key. 0 = none outstanding.
    private OrderKey? _firstKey;
    private long _firstKeyLast;

    public long Session { get; } = session;

    /// <summary>The number the next message gets.</summary>
    public long NextSequence { get; private set; } = 1;

    /// <summary>The lowest outstanding number, or <see cref="NextSequence"/> when none is outstanding.</summary>
    public long Base { get; private set; } = 1;

    /// <summary>How many messages are outstanding.</summary>
    public int Count { get; private set; }

    /// <summary>Numbers the next message and keeps it; its predecessor is the last outstanding message of its key. Returns its number.</summary>
    public long Add(T message, OrderKey? key, bool pinned, TimeSpan? deadline, TimeSpan now)
    {
        if (NextSequence - Base == _ring.Length)
        {
            Grow();
        }

        var sequence = NextSequence++;
        var predecessor = 0L;
        if (key is { } orderKey)
        {
            predecessor = LastOf(orderKey);
            SetLast(orderKey, sequence);
        }

        _ring[Slot(sequence)] = new AckEntry<T>(sequence, predecessor, key, message, pinned, deadline, now);
        Count++;
        return sequence;
    }

    /// <summary>Whether the message numbered <paramref name="sequence"/> is outstanding.</summary>
    public bool Has(long sequence)
        => sequence >= Base && sequence < NextSequence && _ring[Slot(sequence)].Sequence == sequence;

    /// <summary>The outstanding message numbered <paramref name="sequence"/>, in place; only after <see cref="Has"/> said it is there, and until the next <see cref="Add"/>.</summary>
    public ref AckEntry<T> Entry(long sequence) => ref _ring[Slot(sequence)];

    /// <summary>Forgets an outstanding message (acknowledged, or given up); false if it is not outstanding.</summary>
    public bool Remove(long sequence)
    {
        if (!Has(sequence))
        {
            return false;
        }

        ref var slot = ref _ring[Slot(sequence)];
        var (key, predecessor) = (slot.Key, slot.Predecessor);
        slot = default;
        Count--;
        if (key is { } orderKey && LastOf(orderKey) == sequence)
        {
            // A later message of the key must still follow the previous one if that is outstanding.
            SetLast(orderKey, predecessor != 0 && Has(predecessor) ? predecessor : 0);
        }

        while (Base < NextSequence && _ring[Slot(Base)].Sequence == 0)
        {
            Base++;
        }

        return true;
    }

    /// <summary>The numbers of the outstanding messages, in order.</summary>
    public List<long> InOrder()
    {
        var sequences = new List<long>(Count);
        for (var sequence = Base; sequence < NextSequence && sequences.Count < Count; sequence++)
        {
            if (_ring[Slot(sequence)].Sequence == sequence)
            {
                sequences.Add(sequence);
            }
        }

        return sequences;
    }

    public AckStamp StampOf(long sequence) => new(Session, sequence, _ring[Slot(sequence)].Predecessor, Base);

    /// <summary>The last outstanding number of <paramref name="key"/>, or 0.</summary>
    private long LastOf(OrderKey key)
        => _firstKey == key ? _firstKeyLast : _lastByKey?.GetValueOrDefault(key) ?? 0;

    /// <summary>Sets the last outstanding number of <paramref name="key"/>; 0 forgets it.</summary>
    private void SetLast(OrderKey key, long sequence)
    {
        _firstKey ??= key;
        if (_firstKey == key)
        {
            _firstKeyLast = sequence;
        }
        else if (sequence != 0)
        {
            (_lastByKey ??= [])[key] = sequence;
        }
        else
        {
            _lastByKey?.Remove(key);
        }
    }

    private int Slot(long sequence) => (int)(sequence & (_ring.Length - 1));

    private void Grow()
    {
        var ring = new AckEntry<T>[_ring.Length * 2];
        for (var sequence = Base; sequence < NextSequence; sequence++)
        {
            ring[sequence & (ring.Length - 1)] = _ring[Slot(sequence)];
        }

        _ring = ring;
    }
}

namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>
/// An <see cref="AckTracker{T}"/>'s state for one destination node: its session and the outstanding
/// messages, kept in a ring indexed by number (the numbers in use span less than the window).
/// </summary>
internal sealed class AckDestination<T>(long session)
{
    private AckEntry<T>?[] _ring = new AckEntry<T>?[4];
    private Dictionary<OrderKey, long>? _lastByKey;

    public long Session { get; } = session;

    /// <summary>The number the next message gets.</summary>
    public long NextSequence { get; private set; } = 1;

    /// <summary>The lowest outstanding number, or <see cref="NextSequence"/> when none is outstanding.</summary>
    public long Base { get; private set; } = 1;

    /// <summary>How many messages are outstanding.</summary>
    public int Count { get; private set; }

    /// <summary>Numbers the next message and keeps it; its predecessor is the last outstanding message of its key.</summary>
    public AckEntry<T> Add(T message, OrderKey? key, bool pinned, TimeSpan? deadline, TimeSpan now)
    {
        if (NextSequence - Base == _ring.Length)
        {
            Grow();
        }

        var sequence = NextSequence++;
        var predecessor = 0L;
        if (key is { } orderKey)
        {
            _lastByKey ??= [];
            predecessor = _lastByKey.GetValueOrDefault(orderKey);
            _lastByKey[orderKey] = sequence;
        }

        var entry = new AckEntry<T>(sequence, predecessor, key, message, pinned, deadline, now);
        _ring[Slot(sequence)] = entry;
        Count++;
        return entry;
    }

    /// <summary>The outstanding message numbered <paramref name="sequence"/>, or <see langword="null"/>.</summary>
    public AckEntry<T>? Get(long sequence)
        => sequence >= Base && sequence < NextSequence && _ring[Slot(sequence)] is { } entry && entry.Sequence == sequence ? entry : null;

    /// <summary>Forgets an outstanding message (acknowledged, or given up); false if it is not outstanding.</summary>
    public bool Remove(long sequence)
    {
        if (Get(sequence) is not { } entry)
        {
            return false;
        }

        _ring[Slot(sequence)] = null;
        Count--;
        if (entry.Key is { } key && _lastByKey!.TryGetValue(key, out var last) && last == sequence)
        {
            // A later message of the key must still follow the previous one if that is outstanding.
            if (entry.Predecessor != 0 && Get(entry.Predecessor) is not null)
            {
                _lastByKey[key] = entry.Predecessor;
            }
            else
            {
                _lastByKey.Remove(key);
            }
        }

        while (Base < NextSequence && _ring[Slot(Base)] is null)
        {
            Base++;
        }

        return true;
    }

    /// <summary>The outstanding messages in number order.</summary>
    public List<AckEntry<T>> InOrder()
    {
        var entries = new List<AckEntry<T>>(Count);
        for (var sequence = Base; sequence < NextSequence && entries.Count < Count; sequence++)
        {
            if (_ring[Slot(sequence)] is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    public AckStamp StampOf(AckEntry<T> entry) => new(Session, entry.Sequence, entry.Predecessor, Base);

    private int Slot(long sequence) => (int)(sequence & (_ring.Length - 1));

    private void Grow()
    {
        var ring = new AckEntry<T>?[_ring.Length * 2];
        for (var sequence = Base; sequence < NextSequence; sequence++)
        {
            ring[sequence & (ring.Length - 1)] = _ring[Slot(sequence)];
        }

        _ring = ring;
    }
}

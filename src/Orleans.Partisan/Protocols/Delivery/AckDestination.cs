namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>An <see cref="AckTracker{T}"/>'s state for one destination node.</summary>
internal sealed class AckDestination<T>(long session)
{
    public long Session { get; } = session;

    public long NextSequence { get; set; } = 1;

    /// <summary>The outstanding messages by number.</summary>
    public Dictionary<long, AckEntry<T>> Outstanding { get; } = [];

    /// <summary>Numbers in the order they were given; some may be acknowledged already (skipped lazily).</summary>
    public Queue<long> Order { get; } = new();

    /// <summary>The last outstanding message of each order key.</summary>
    public Dictionary<OrderKey, long> LastByKey { get; } = [];

    /// <summary>The lowest outstanding number, or the next number when none is outstanding.</summary>
    public long Base
    {
        get
        {
            while (Order.Count > 0 && !Outstanding.ContainsKey(Order.Peek()))
            {
                Order.Dequeue();
            }

            return Order.Count > 0 ? Order.Peek() : NextSequence;
        }
    }

    /// <summary>The outstanding messages in number order.</summary>
    public List<AckEntry<T>> InOrder()
    {
        var entries = new List<AckEntry<T>>(Outstanding.Count);
        foreach (var sequence in Order)
        {
            if (Outstanding.TryGetValue(sequence, out var entry))
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    /// <summary>Forgets an outstanding message (acknowledged, or given up).</summary>
    public bool Remove(long sequence)
    {
        if (!Outstanding.Remove(sequence, out var entry))
        {
            return false;
        }

        if (entry.Key is { } key && LastByKey.TryGetValue(key, out var last) && last == sequence)
        {
            // A later message of the key must still follow the previous one if that is outstanding.
            if (entry.Predecessor != 0 && Outstanding.ContainsKey(entry.Predecessor))
            {
                LastByKey[key] = entry.Predecessor;
            }
            else
            {
                LastByKey.Remove(key);
            }
        }

        return true;
    }

    public AckStamp StampOf(AckEntry<T> entry) => new(Session, entry.Sequence, entry.Predecessor, Base);
}

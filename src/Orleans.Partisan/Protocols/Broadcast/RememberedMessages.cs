namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// A bounded memory of message identities with a value each: an entry is forgotten after a number of
/// ticks, and the oldest first when there are more than a maximum, so it never grows without bound.
/// </summary>
/// <remarks>
/// Entries are kept in the order they were added (a queue beside the dictionary), so expiry and
/// eviction never depend on hash codes. Removing or replacing an entry leaves its queue slot behind;
/// the slot is skipped when it comes up (its stamp no longer matches), and the queue is compacted
/// when such slots would make it hold more than twice the maximum.
/// </remarks>
/// <typeparam name="T">The value remembered with each identity.</typeparam>
internal sealed class RememberedMessages<T>
    where T : class
{
    private readonly Dictionary<BroadcastMessageKey, Entry> _entries = [];
    private readonly Queue<Slot> _order = new();
    private readonly int _max;
    private long _stamp;

    /// <param name="max">The most identities remembered at once.</param>
    public RememberedMessages(int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        _max = max;
    }

    /// <summary>The identities remembered.</summary>
    public int Count => _entries.Count;

    /// <summary>The value remembered for <paramref name="key"/>.</summary>
    public bool TryGetValue(BroadcastMessageKey key, out T value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            value = entry.Value;
            return true;
        }

        value = null!;
        return false;
    }

    /// <summary>Whether <paramref name="key"/> is remembered.</summary>
    public bool Contains(BroadcastMessageKey key) => _entries.ContainsKey(key);

    /// <summary>
    /// Remembers <paramref name="value"/> for <paramref name="key"/> (replacing what was remembered) at
    /// <paramref name="tick"/>; the oldest entries beyond the maximum are forgotten.
    /// </summary>
    public void Add(BroadcastMessageKey key, T value, long tick) => Add(key, value, tick, 0, static (_, _, _) => { });

    /// <summary>
    /// Remembers <paramref name="value"/> for <paramref name="key"/> (replacing what was remembered) at
    /// <paramref name="tick"/>; the oldest entries beyond the maximum are forgotten and handed to
    /// <paramref name="forgotten"/> with <paramref name="state"/> (a static callback and its state: no closure per call).
    /// </summary>
    public void Add<TState>(BroadcastMessageKey key, T value, long tick, TState state, Action<TState, BroadcastMessageKey, T> forgotten)
    {
        var stamp = ++_stamp;
        _entries[key] = new Entry(value, stamp);
        _order.Enqueue(new Slot(key, stamp, tick));
        while (_entries.Count > _max && _order.TryDequeue(out var oldest))
        {
            ForgetIfCurrent(oldest, state, forgotten);
        }

        if (_order.Count > (2 * _max) + 16)
        {
            Compact();
        }
    }

    /// <summary>Forgets <paramref name="key"/>; its value, if it was remembered.</summary>
    public bool Remove(BroadcastMessageKey key, out T value)
    {
        if (_entries.Remove(key, out var entry))
        {
            value = entry.Value;
            return true;
        }

        value = null!;
        return false;
    }

    /// <summary>Forgets every entry added at or before <paramref name="tick"/>.</summary>
    public void ForgetUpTo(long tick) => ForgetUpTo(tick, 0, static (_, _, _) => { });

    /// <summary>Forgets every entry added at or before <paramref name="tick"/>, handing each to <paramref name="forgotten"/> with <paramref name="state"/>.</summary>
    public void ForgetUpTo<TState>(long tick, TState state, Action<TState, BroadcastMessageKey, T> forgotten)
    {
        while (_order.TryPeek(out var oldest) && oldest.Tick <= tick)
        {
            _order.Dequeue();
            ForgetIfCurrent(oldest, state, forgotten);
        }
    }

    /// <summary>Every remembered value, oldest first (a snapshot: the memory may change while it is used).</summary>
    public List<KeyValuePair<BroadcastMessageKey, T>> Snapshot()
    {
        var values = new List<KeyValuePair<BroadcastMessageKey, T>>(_entries.Count);
        foreach (var slot in _order)
        {
            if (_entries.TryGetValue(slot.Key, out var entry) && entry.Stamp == slot.Stamp)
            {
                values.Add(new(slot.Key, entry.Value));
            }
        }

        return values;
    }

    /// <summary>Drops the slots of removed or replaced entries (amortized: it runs when they outnumber the maximum).</summary>
    private void Compact()
    {
        var count = _order.Count;
        for (var i = 0; i < count; i++)
        {
            var slot = _order.Dequeue();
            if (_entries.TryGetValue(slot.Key, out var entry) && entry.Stamp == slot.Stamp)
            {
                _order.Enqueue(slot);
            }
        }
    }

    private void ForgetIfCurrent<TState>(Slot slot, TState state, Action<TState, BroadcastMessageKey, T> forgotten)
    {
        if (_entries.TryGetValue(slot.Key, out var entry) && entry.Stamp == slot.Stamp)
        {
            _entries.Remove(slot.Key);
            forgotten(state, slot.Key, entry.Value);
        }
    }

    private readonly record struct Entry(T Value, long Stamp);

    private readonly record struct Slot(BroadcastMessageKey Key, long Stamp, long Tick);
}

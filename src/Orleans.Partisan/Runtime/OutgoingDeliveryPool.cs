namespace Orleans.Partisan.Runtime;

/// <summary>
/// The <see cref="OutgoingDelivery"/> objects of one node's acknowledged sends without a causal label, kept for reuse
/// once their holders have all let go (see <see cref="OutgoingDelivery.Release"/>), up to <see cref="Capacity"/>; past
/// that they are left to the collector. Thread-safe.
/// </summary>
internal sealed class OutgoingDeliveryPool(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Stack<OutgoingDelivery> _free = new();

    /// <summary>The most objects kept.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>How many objects are kept now; for tests.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _free.Count;
            }
        }
    }

    /// <summary>An object to <see cref="OutgoingDelivery.Start"/>: a kept one, or a new one.</summary>
    public OutgoingDelivery Rent()
    {
        lock (_lock)
        {
            if (_free.TryPop(out var kept))
            {
                return kept;
            }
        }

        return new OutgoingDelivery(this);
    }

    /// <summary>Takes back an object <see cref="Rent"/> gave that was not started.</summary>
    public void Return(OutgoingDelivery unused)
    {
        lock (_lock)
        {
            Keep(unused);
        }
    }

    /// <summary>A holder of <paramref name="outgoing"/> lets go; the last one's object is kept for reuse.</summary>
    public void Release(OutgoingDelivery outgoing)
    {
        if (!outgoing.Release())
        {
            return;
        }

        outgoing.Clear();
        lock (_lock)
        {
            Keep(outgoing);
        }
    }

    /// <summary>
    /// Every holder in <paramref name="batch"/> lets go (one per entry, objects not pooled are skipped); the objects whose
    /// last holder that was are kept, in one turn of the lock. The list is left as it was.
    /// </summary>
    public void ReleaseAll(List<OutgoingDelivery> batch)
    {
        var locked = false;
        try
        {
            foreach (var outgoing in batch)
            {
                if (!outgoing.Release())
                {
                    continue;
                }

                outgoing.Clear();
                if (!locked)
                {
                    _lock.Enter();
                    locked = true;
                }

                Keep(outgoing);
            }
        }
        finally
        {
            if (locked)
            {
                _lock.Exit();
            }
        }
    }

    private void Keep(OutgoingDelivery outgoing)
    {
        if (_free.Count < Capacity)
        {
            _free.Push(outgoing);
        }
    }
}

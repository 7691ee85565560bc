namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// The IHAVE announcements a node owes its lazy neighbours until its next lazy tick, one batch per
/// (neighbour, handler) (SRDS 2007 §3.6: lazy push is batched on a timer). A batch that reaches the
/// maximum is sent at once, so the queue stays bounded between ticks.
/// </summary>
internal sealed class AnnouncementQueue(int maxPerBatch)
{
    // Batches in the order they were opened; a flushed or dropped batch leaves a null slot until the tick.
    private readonly List<Batch?> _batches = [];
    private readonly Dictionary<(NodeName To, string Handler), int> _index = [];

    /// <summary>The announcements waiting.</summary>
    public int Count { get; private set; }

    /// <summary>Queues <paramref name="announcement"/> for <paramref name="to"/>; a full batch is sent now through <paramref name="effects"/>.</summary>
    public void Add(NodeName to, string handler, BroadcastAnnouncement announcement, List<BroadcastEffect> effects)
    {
        Batch batch;
        if (_index.TryGetValue((to, handler), out var slot))
        {
            batch = _batches[slot]!;
        }
        else
        {
            batch = new Batch(to, handler);
            _index.Add((to, handler), _batches.Count);
            _batches.Add(batch);
        }

        batch.Announcements.Add(announcement);
        Count++;
        if (batch.Announcements.Count >= maxPerBatch)
        {
            Send(batch, effects);
            batch.Announcements.Clear();
        }
    }

    /// <summary>Sends every batch (the lazy tick), in the order they were opened, and empties the queue.</summary>
    public void Flush(List<BroadcastEffect> effects)
    {
        foreach (var batch in _batches)
        {
            if (batch is { Announcements.Count: > 0 })
            {
                Send(batch, effects);
            }
        }

        _batches.Clear();
        _index.Clear();
        Count = 0;
    }

    /// <summary>Drops what is queued for <paramref name="peer"/> (it is no neighbour any more).</summary>
    public void Drop(NodeName peer)
    {
        for (var i = 0; i < _batches.Count; i++)
        {
            if (_batches[i] is { } batch && batch.To == peer)
            {
                Count -= batch.Announcements.Count;
                _index.Remove((batch.To, batch.Handler));
                _batches[i] = null;
            }
        }
    }

    private void Send(Batch batch, List<BroadcastEffect> effects)
    {
        Count -= batch.Announcements.Count;
        effects.Add(new BroadcastSendEffect(batch.To, new BroadcastIHave(batch.Handler, [.. batch.Announcements])));
    }

    private sealed class Batch(NodeName to, string handler)
    {
        public NodeName To { get; } = to;

        public string Handler { get; } = handler;

        public List<BroadcastAnnouncement> Announcements { get; } = [];
    }
}

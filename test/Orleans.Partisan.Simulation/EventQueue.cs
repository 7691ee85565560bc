namespace Orleans.Partisan.Simulation;

/// <summary>The kinds of scheduled event.</summary>
internal enum EventKind : byte
{
    /// <summary>A message arrives: <see cref="SimEvent.Node"/> is the recipient, <see cref="SimEvent.Peer"/> the sender, <see cref="SimEvent.Token"/> the link epoch.</summary>
    Deliver,

    /// <summary>A handshake completes: <see cref="SimEvent.Node"/> dialled <see cref="SimEvent.Peer"/>; <see cref="SimEvent.Token"/> is the attempt.</summary>
    ConnectComplete,

    /// <summary><see cref="SimEvent.Node"/> learns its connection to <see cref="SimEvent.Peer"/> is gone; <see cref="SimEvent.Token"/> is the notice.</summary>
    PeerDownNotice,

    /// <summary>A timer of <see cref="SimEvent.Node"/> fires: <see cref="SimEvent.Peer"/> is the node's incarnation, <see cref="SimEvent.Token"/> the timer's generation, the payload its name.</summary>
    Timer,

    /// <summary>A handler call of a broadcast core is answered: <see cref="SimEvent.Peer"/> is the node's incarnation, <see cref="SimEvent.Token"/> the protocol, the payload the call's effect.</summary>
    HandlerCall,

    /// <summary>An anti-entropy exchange completes between <see cref="SimEvent.Node"/> and <see cref="SimEvent.Peer"/>; <see cref="SimEvent.Token"/> is the protocol, the payload an <see cref="ExchangeCall"/>.</summary>
    ExchangeComplete,

    /// <summary>A broadcast core's timer fires: <see cref="SimEvent.Peer"/> is the node's incarnation, <see cref="SimEvent.Token"/> the timer's generation, the payload a <see cref="BroadcastTimerFiring"/>.</summary>
    BroadcastTimer,

    /// <summary>A probe of <see cref="SimEvent.Node"/> is answered: <see cref="SimEvent.Peer"/> is the node's incarnation, the payload the endpoint probed.</summary>
    ProbeComplete,
}

/// <summary>A scheduled event; small and unboxed, as millions go through the queue.</summary>
internal readonly record struct SimEvent(EventKind Kind, int Node, int Peer, long Token, object? Payload);

/// <summary>
/// The agenda of a simulation: events ordered by (virtual time, sequence number), so events due at
/// the same time run in the order they were scheduled and a run never depends on tie-breaking.
/// </summary>
/// <remarks>
/// A calendar of buckets (2^14 ticks, about 1.6 ms, each) over a ring of 2^12 buckets (about 6.7 s of
/// virtual time), with a heap for what lies beyond. Scheduling appends to a bucket; a bucket is sorted
/// once, when the clock reaches it, and drained in order. Messages (1–10 ms away), handler calls and
/// the second-scale timers (promotion, lazy tick, graft, neighbour timeout) land in the ring, so most
/// events cost an append and a share of one small sort instead of two walks of a heap of every pending
/// event; the shuffle and exchange timers (10 s) go through the heap. The ring is small because a
/// bucket keeps the capacity it grew to (a few KB at 10,000 nodes). The order is exactly the heap's:
/// (time, sequence), which the pinned trace hash and the queue's tests check.
/// </remarks>
internal sealed class EventQueue
{
    private const int BucketShift = 14;
    private const int RingBits = 12;
    private const long RingSize = 1L << RingBits;
    private const long RingMask = RingSize - 1;

    private static readonly Comparison<Entry> ByTimeThenSequence = static (a, b) =>
    {
        var byTime = a.Time.CompareTo(b.Time);
        return byTime != 0 ? byTime : a.Sequence.CompareTo(b.Sequence);
    };

    private readonly Bucket?[] _ring = new Bucket?[RingSize];

    // What lies at or beyond the end of the ring when it is scheduled; moved into the ring as the clock nears it.
    private readonly PriorityQueue<Entry, (long Time, long Sequence)> _far = new();

    // The bucket number (time >> BucketShift) the queue is draining; no event is scheduled before it.
    private long _cursor;
    private long _sequence;

    /// <summary>Events scheduled and not yet taken.</summary>
    public int Count { get; private set; }

    /// <summary>Schedules <paramref name="item"/> at <paramref name="time"/> (ticks), after everything already scheduled for that time.</summary>
    public void Schedule(long time, in SimEvent item)
    {
        var entry = new Entry(time, _sequence++, item);
        Count++;
        var number = Math.Max(time >> BucketShift, _cursor);
        if (number >= _cursor + RingSize)
        {
            _far.Enqueue(entry, (entry.Time, entry.Sequence));
            return;
        }

        var bucket = _ring[number & RingMask] ??= new Bucket();
        if (bucket.Sorted)
        {
            // The bucket being drained: keep it in order. The new entry has the largest sequence, so it goes after every entry due at or before its time.
            var at = bucket.Items.Count;
            while (at > bucket.Head && bucket.Items[at - 1].Time > time)
            {
                at--;
            }

            bucket.Items.Insert(at, entry);
        }
        else
        {
            bucket.Items.Add(entry);
        }
    }

    /// <summary>Takes the next event.</summary>
    public bool TryDequeue(out SimEvent item, out long time) => TryDequeueUntil(long.MaxValue, out item, out time);

    /// <summary>
    /// Takes the next event if it is due at or before <paramref name="limit"/> (ticks). The queue's
    /// clock does not pass <paramref name="limit"/>, so the caller may then schedule anything from it on.
    /// </summary>
    public bool TryDequeueUntil(long limit, out SimEvent item, out long time)
    {
        var last = limit >> BucketShift;
        while (Count > 0 && _cursor <= last)
        {
            var bucket = _ring[_cursor & RingMask];
            if (bucket is not null && bucket.Head < bucket.Items.Count)
            {
                if (!bucket.Sorted)
                {
                    bucket.Items.Sort(ByTimeThenSequence);
                    bucket.Sorted = true;
                }

                var next = bucket.Items[bucket.Head];
                if (next.Time > limit)
                {
                    break;
                }

                bucket.Head++;
                Count--;
                item = next.Event;
                time = next.Time;
                return true;
            }

            if (_cursor == last)
            {
                break;
            }

            bucket?.Reset();
            if (Count == _far.Count)
            {
                // Nothing in the ring: jump to the first far event (or to the limit), not bucket by bucket.
                _far.TryPeek(out var first, out _);
                _cursor = Math.Min(first.Time >> BucketShift, last);
            }
            else
            {
                _cursor++;
            }

            PullNearing();
        }

        item = default;
        time = 0;
        return false;
    }

    /// <summary>Moves the far events whose bucket has come within the ring into it.</summary>
    private void PullNearing()
    {
        var end = _cursor + RingSize;
        while (_far.TryPeek(out var entry, out _) && (entry.Time >> BucketShift) < end)
        {
            _far.Dequeue();
            var bucket = _ring[(entry.Time >> BucketShift) & RingMask] ??= new Bucket();
            bucket.Items.Add(entry);
        }
    }

    private readonly record struct Entry(long Time, long Sequence, SimEvent Event);

    /// <summary>The events of one bucket: unsorted until the clock reaches it, then drained from <see cref="Head"/>.</summary>
    private sealed class Bucket
    {
        public List<Entry> Items { get; } = [];

        public int Head { get; set; }

        public bool Sorted { get; set; }

        public void Reset()
        {
            Items.Clear();
            Head = 0;
            Sorted = false;
        }
    }
}

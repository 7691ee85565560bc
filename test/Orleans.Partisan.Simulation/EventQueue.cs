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
/// the same time run in the order they were scheduled and a run never depends on the heap's
/// tie-breaking.
/// </summary>
internal sealed class EventQueue
{
    // The default comparer of a value-tuple priority is lexicographic (time, then sequence) and is
    // devirtualized by the JIT, which a custom comparer object would not be.
    private readonly PriorityQueue<SimEvent, (long Time, long Sequence)> _queue = new();
    private long _sequence;

    /// <summary>Events scheduled and not yet taken.</summary>
    public int Count => _queue.Count;

    /// <summary>Schedules <paramref name="item"/> at <paramref name="time"/> (ticks), after everything already scheduled for that time.</summary>
    public void Schedule(long time, in SimEvent item) => _queue.Enqueue(item, (time, _sequence++));

    /// <summary>Takes the next event.</summary>
    public bool TryDequeue(out SimEvent item, out long time)
    {
        if (_queue.TryDequeue(out item, out var priority))
        {
            time = priority.Time;
            return true;
        }

        time = 0;
        return false;
    }

    /// <summary>The time of the next event.</summary>
    public bool TryPeekTime(out long time)
    {
        if (_queue.TryPeek(out _, out var priority))
        {
            time = priority.Time;
            return true;
        }

        time = 0;
        return false;
    }
}

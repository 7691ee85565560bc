namespace Orleans.Partisan.Simulation;

/// <summary>The kinds of scheduled event.</summary>
internal enum EventKind : byte
{
    /// <summary>A message arrives: <see cref="SimEvent.Node"/> is the recipient, <see cref="SimEvent.Peer"/> the sender, <see cref="SimEvent.Token"/> the link epoch (the sender's).</summary>
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

    /// <summary>
    /// The last message on a closed link of <see cref="SimEvent.Node"/> to <see cref="SimEvent.Peer"/> has arrived: the sender
    /// forgets the link if nobody needs it (the payload is the <see cref="Link"/>). Not traced.
    /// </summary>
    ForgetLink,
}

/// <summary>A scheduled event; small and unboxed, as millions go through the queue.</summary>
internal readonly record struct SimEvent(EventKind Kind, int Node, int Peer, long Token, object? Payload);

/// <summary>
/// The order of events: virtual time, then the destination node, then the source node (the node whose
/// processing scheduled the event), then the source's own sequence number. Nothing in it depends on how
/// the nodes are spread over workers, so every worker count runs each node's events in the same order.
/// </summary>
/// <param name="Time">When the event is due (ticks).</param>
/// <param name="Nodes">The destination node in the high 32 bits, the source node in the low 32 bits.</param>
/// <param name="Sequence">The source node's count of events it scheduled before this one.</param>
internal readonly record struct EventKey(long Time, long Nodes, long Sequence) : IComparable<EventKey>
{
    /// <summary>The key of an event for <paramref name="destination"/> scheduled by <paramref name="source"/>.</summary>
    public static EventKey Of(long time, int destination, int source, long sequence)
        => new(time, ((long)destination << 32) | (uint)source, sequence);

    /// <summary>The destination node.</summary>
    public int Destination => (int)(Nodes >> 32);

    /// <inheritdoc />
    public int CompareTo(EventKey other)
    {
        var byTime = Time.CompareTo(other.Time);
        if (byTime != 0)
        {
            return byTime;
        }

        var byNodes = Nodes.CompareTo(other.Nodes);
        return byNodes != 0 ? byNodes : Sequence.CompareTo(other.Sequence);
    }
}

/// <summary>
/// The agenda of one worker of a simulation (or of the events run at barriers): events ordered by
/// <see cref="EventKey"/>, so a run never depends on the heap's tie-breaking nor on which worker scheduled what.
/// </summary>
internal sealed class EventQueue
{
    // A struct key with its own comparison: Comparer<EventKey>.Default is devirtualized by the JIT.
    private readonly PriorityQueue<SimEvent, EventKey> _queue = new();

    /// <summary>Events scheduled and not yet taken.</summary>
    public int Count => _queue.Count;

    /// <summary>Schedules <paramref name="item"/> under <paramref name="key"/>.</summary>
    public void Schedule(in EventKey key, in SimEvent item) => _queue.Enqueue(item, key);

    /// <summary>Takes the next event.</summary>
    public bool TryDequeue(out SimEvent item, out EventKey key) => _queue.TryDequeue(out item, out key);

    /// <summary>The key of the next event.</summary>
    public bool TryPeek(out EventKey key) => _queue.TryPeek(out _, out key);

    /// <summary>The time of the next event, or <see cref="long.MaxValue"/> if there is none.</summary>
    public long NextTime => _queue.TryPeek(out _, out var key) ? key.Time : long.MaxValue;
}

namespace Orleans.Partisan.Simulation;

/// <summary>The kinds of step a simulation traces.</summary>
internal enum TraceKind : byte
{
    /// <summary>A message was handed to its recipient's core.</summary>
    Delivered,

    /// <summary>A core was told its connection to a peer opened.</summary>
    PeerUp,

    /// <summary>A core was told its connection to a peer was lost or closed.</summary>
    PeerDown,

    /// <summary>A core's timer fired.</summary>
    Timer,

    /// <summary>A node broadcast a message; the peer field holds the protocol's number.</summary>
    Broadcast,

    /// <summary>A broadcast handler call was answered; the peer field holds the protocol's number, the payload is the call.</summary>
    HandlerCall,

    /// <summary>An anti-entropy exchange completed between the node and the peer.</summary>
    Exchange,

    /// <summary>A broadcast core's timer fired; the peer field holds the protocol's number, the payload is the timer's name.</summary>
    BroadcastTimer,

    /// <summary>A probe was answered; the peer field holds the node found at the endpoint (-1 for none), the payload is the endpoint.</summary>
    Probed,
}

/// <summary>
/// One step of a run, given to <see cref="Simulator.OnTrace"/>. <see cref="Node"/> is the node whose
/// core was called; <see cref="Peer"/> the sender or the peer (-1 for a timer, the protocol's number for a
/// broadcast timer, handler call or broadcast); <see cref="Payload"/>
/// the message, or the timer's name.
/// </summary>
internal readonly record struct TraceEntry(TimeSpan At, TraceKind Kind, int Node, int Peer, object? Payload);

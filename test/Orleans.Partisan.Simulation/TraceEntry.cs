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
}

/// <summary>
/// One step of a run, given to <see cref="Simulator.OnTrace"/>. <see cref="Node"/> is the node whose
/// core was called; <see cref="Peer"/> the sender or the peer (-1 for a timer); <see cref="Payload"/>
/// the message, or the timer's name.
/// </summary>
internal readonly record struct TraceEntry(TimeSpan At, TraceKind Kind, int Node, int Peer, object? Payload);

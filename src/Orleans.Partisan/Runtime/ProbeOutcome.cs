namespace Orleans.Partisan.Runtime;

/// <summary>What a fresh dial of a node (connect and handshake, bounded by a timeout) found: the failure detector's evidence.</summary>
internal enum ProbeOutcome
{
    /// <summary>The node itself completed the handshake: it is alive and reachable from here.</summary>
    Reached,

    /// <summary>
    /// The dial failed outright: the connection was refused or reset, closed before the handshake, or another node answered.
    /// Nothing of that node listens there any more: it crashed or stopped (or the network rejects the connection).
    /// </summary>
    Failed,

    /// <summary>
    /// Nothing answered within the timeout: the node is frozen (its kernel may still complete the TCP connect), cut off by
    /// a silent network, or merely too starved of CPU to answer in time.
    /// </summary>
    NoAnswer,
}

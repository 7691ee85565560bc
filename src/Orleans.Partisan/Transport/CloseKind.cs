namespace Orleans.Partisan.Transport;

/// <summary>What ended a connection: a closed set, so the metric's <c>reason</c> tag stays bounded.</summary>
internal enum CloseKind
{
    /// <summary>This node closed it (the node left or stopped the lane).</summary>
    Closed,

    /// <summary>The peer was disconnected by this node (<c>DisconnectNode</c>, or the peer service dropped it).</summary>
    Disconnected,

    /// <summary>A graceful close could not write what was queued in time.</summary>
    FlushTimedOut,

    /// <summary>The transport was disposed.</summary>
    TransportDisposed,

    /// <summary>The peer closed its end.</summary>
    PeerClosed,

    /// <summary>Writing to the socket failed.</summary>
    SendFailed,

    /// <summary>The socket failed while reading.</summary>
    ConnectionLost,

    /// <summary>The peer broke the protocol: a malformed, oversized or undecodable frame, or data where none may come.</summary>
    ProtocolError,

    /// <summary>The connection's loop failed unexpectedly.</summary>
    Failed,

    /// <summary>The peer sent nothing, not even a heartbeat, for the heartbeat timeout (frozen, overloaded, or a half-open connection).</summary>
    HeartbeatTimeout,
}

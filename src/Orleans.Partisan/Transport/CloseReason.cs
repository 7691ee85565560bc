namespace Orleans.Partisan.Transport;

/// <summary>
/// Why a connection closed: its <see cref="Kind"/>, which code and metrics act on, and a
/// <see cref="Detail"/> for the log (the socket error, the frame's length).
/// </summary>
/// <param name="Kind">What ended the connection.</param>
/// <param name="Detail">What the log adds to the kind, if anything.</param>
internal sealed record CloseReason(CloseKind Kind, string? Detail = null)
{
    /// <summary>This node closed the connection.</summary>
    public static readonly CloseReason Closed = new(CloseKind.Closed);

    /// <summary>The bounded word the metric <c>partisan.connections.closed</c> carries as its <c>reason</c> tag.</summary>
    public string Tag => Kind switch
    {
        CloseKind.Disconnected => "disconnected",
        CloseKind.FlushTimedOut => "flush_timeout",
        CloseKind.TransportDisposed => "disposed",
        CloseKind.PeerClosed => "peer_closed",
        CloseKind.SendFailed => "send_failed",
        CloseKind.ConnectionLost => "connection_lost",
        CloseKind.ProtocolError => "protocol_error",
        CloseKind.Failed => "failed",
        CloseKind.HeartbeatTimeout => "heartbeat_timeout",
        _ => "closed",
    };

    /// <summary>
    /// The <c>nodedown</c> reason when this was the peer's last connection: <see cref="NodeDownReason.HeartbeatTimeout"/>
    /// for a silent peer, else <see cref="NodeDownReason.ConnectionClosed"/>.
    /// </summary>
    public NodeDownReason NodeDownReason => Kind == CloseKind.HeartbeatTimeout ? NodeDownReason.HeartbeatTimeout : NodeDownReason.ConnectionClosed;

    /// <summary>The reason as the log writes it.</summary>
    public override string ToString()
    {
        var text = Kind switch
        {
            CloseKind.Disconnected => "disconnected",
            CloseKind.FlushTimedOut => "flush timed out",
            CloseKind.TransportDisposed => "transport disposed",
            CloseKind.PeerClosed => "connection closed by peer",
            CloseKind.SendFailed => "send failed",
            CloseKind.ConnectionLost => "connection lost",
            CloseKind.ProtocolError => "protocol error",
            CloseKind.Failed => "failed",
            CloseKind.HeartbeatTimeout => "heartbeat timeout",
            _ => "closed",
        };
        return Detail is null ? text : $"{text}: {Detail}";
    }
}

namespace Orleans.Partisan.Transport;

/// <summary>
/// The handshake frame. The accepting side sends it first (no channel); the dialler answers with
/// its own, naming the channel and lane the connection is for.
/// </summary>
/// <param name="Version">The transport protocol version (<see cref="CurrentVersion"/>).</param>
/// <param name="ClusterId">The sender's cluster id.</param>
/// <param name="Node">The sender's node spec.</param>
/// <param name="Channel">The dialler's channel; <see langword="null"/> in the acceptor's hello.</param>
/// <param name="Lane">The dialler's lane within the channel.</param>
/// <param name="HeartbeatInterval">
/// In the dialler's hello, how often the acceptor is to send a <see cref="HeartbeatFrame"/> on this connection
/// (<see cref="TimeSpan.Zero"/>: never); between <see cref="HeartbeatFrame.MinInterval"/> and
/// <see cref="HeartbeatFrame.MaxInterval"/> otherwise. The
/// acceptor's hello carries its own setting, which the dialler ignores.
/// </param>
[GenerateSerializer, Immutable, Alias("partisan.transport.Hello")]
internal sealed record Hello(
    [property: Id(0)] int Version,
    [property: Id(1)] string ClusterId,
    [property: Id(2)] NodeSpec Node,
    [property: Id(3)] string? Channel,
    [property: Id(4)] int Lane,
    [property: Id(5)] TimeSpan HeartbeatInterval)
{
    /// <summary>
    /// The protocol version this code speaks. 2: the heartbeat (<see cref="HeartbeatInterval"/>, the frame
    /// <see cref="HeartbeatFrame"/> from acceptor to dialler). 3: forwarded frames carry a call header (the request's
    /// call number, or the answer's call with no target) and a delivery header instead of serialized wrappers. 4: a
    /// call's request may carry a trace header (the caller's W3C trace context), and broadcast gossip a trace context.
    /// 5: a relayed message travels in a relay frame (kind 3) instead of a serialized relay envelope.
    /// </summary>
    public const int CurrentVersion = 5;

    /// <summary>The largest handshake frame accepted.</summary>
    public const int MaxSize = 64 * 1024;
}

using System.Collections.Immutable;
using System.Net;

namespace Orleans.Partisan.Transport;

/// <summary>
/// What the transport of one node needs to know; built from <see cref="PartisanOptions"/> when the silo
/// starts. Each default is <see cref="PartisanOptions"/>' own, so it is written once.
/// </summary>
internal sealed record TransportSettings
{
    private static readonly PartisanOptions Defaults = new();

    /// <summary>The cluster this node belongs to; a peer with another cluster id is refused at the handshake.</summary>
    public required string ClusterId { get; init; }

    /// <summary>This node's name.</summary>
    public required NodeName LocalName { get; init; }

    /// <summary>Where to listen. Port 0 lets the OS choose; the chosen port is what <see cref="OverlayTransport.LocalSpec"/> advertises.</summary>
    public required IPEndPoint ListenEndPoint { get; init; }

    /// <summary>The channels, always including <see cref="PartisanChannels.Default"/>.</summary>
    public required ImmutableSortedDictionary<string, ChannelOptions> Channels { get; init; }

    /// <summary>The largest frame (length prefix excluded) that may be sent or received.</summary>
    public int MaxFrameSize { get; init; } = Defaults.MaxFrameSize;

    /// <summary>Messages a connection's send queue holds before senders wait.</summary>
    public int SendQueueCapacity { get; init; } = Defaults.SendQueueCapacity;

    /// <summary>How long a dial plus handshake may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = Defaults.ConnectTimeout;

    /// <summary>The first wait before redialling a lost connection; doubled per failure up to <see cref="MaxReconnectInterval"/>.</summary>
    public TimeSpan ReconnectInterval { get; init; } = Defaults.ReconnectInterval;

    /// <summary>The longest wait between redials.</summary>
    public TimeSpan MaxReconnectInterval { get; init; } = Defaults.MaxReconnectInterval;

    /// <summary>TLS on every connection, or <see langword="null"/> for plaintext (the default).</summary>
    public PartisanTlsOptions? Tls { get; init; }

    /// <summary>How often the acceptor of a connection this node dialled is asked to send a heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = Defaults.HeartbeatInterval;

    /// <summary>
    /// How long a connection this node dialled may stay silent before it is closed
    /// (<see cref="CloseKind.HeartbeatTimeout"/>); <see cref="Timeout.InfiniteTimeSpan"/>: heartbeats are off.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; init; } = Defaults.HeartbeatTimeout;

    /// <summary>Whether this node asks for heartbeats and closes silent connections.</summary>
    public bool HeartbeatsEnabled => HeartbeatTimeout != Timeout.InfiniteTimeSpan;

    /// <summary>How often the dialler checks for silence: half the heartbeat interval.</summary>
    public TimeSpan HeartbeatCheckPeriod => HeartbeatInterval / 2;

    /// <summary>
    /// Decides whether a peer may connect at all, checked in both directions of every handshake: <see langword="null"/>
    /// admits it, text refuses it with that reason (the static peer service refuses nodes that are not listed).
    /// <see langword="null"/> (the default): every peer of the cluster is admitted.
    /// </summary>
    public Func<NodeSpec, string?>? Admission { get; init; }
}

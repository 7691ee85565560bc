using System.Collections.Immutable;
using System.Net;

namespace Orleans.Partisan.Transport;

/// <summary>What the transport of one node needs to know; built from <c>PartisanOptions</c> by the runtime.</summary>
internal sealed record TransportSettings
{
    /// <summary>The cluster this node belongs to; a peer with another cluster id is refused at the handshake.</summary>
    public required string ClusterId { get; init; }

    /// <summary>This node's name.</summary>
    public required NodeName LocalName { get; init; }

    /// <summary>Where to listen. Port 0 lets the OS choose; the chosen port is what <see cref="OverlayTransport.LocalSpec"/> advertises.</summary>
    public required IPEndPoint ListenEndPoint { get; init; }

    /// <summary>The channels, always including <see cref="PartisanChannels.Default"/>.</summary>
    public required ImmutableSortedDictionary<string, ChannelOptions> Channels { get; init; }

    /// <summary>The largest frame (length prefix excluded) that may be sent or received.</summary>
    public int MaxFrameSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>Messages a connection's send queue holds before senders wait.</summary>
    public int SendQueueCapacity { get; init; } = 1024;

    /// <summary>How long a dial plus handshake may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The first wait before redialling a lost connection; doubled per failure up to <see cref="MaxReconnectInterval"/>.</summary>
    public TimeSpan ReconnectInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between redials.</summary>
    public TimeSpan MaxReconnectInterval { get; init; } = TimeSpan.FromSeconds(10);
}

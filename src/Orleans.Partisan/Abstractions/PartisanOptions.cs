using System.Net;

namespace Orleans.Partisan;

/// <summary>
/// Options of the overlay of a silo (<c>siloBuilder.AddPartisan(o => ...)</c>). Every option has a
/// working default; they are validated when the silo starts.
/// </summary>
public sealed class PartisanOptions
{
    /// <summary>The default of <see cref="GossipInterval"/>: 10 seconds, as in Partisan.</summary>
    public static readonly TimeSpan DefaultGossipInterval = TimeSpan.FromSeconds(10);

    /// <summary>The default of <see cref="CallTimeout"/>: 5 seconds, as <c>gen_server:call/2</c>.</summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The peer service that decides which nodes connect to which. Default <see cref="PartisanPeerService.FullMesh"/>.
    /// </summary>
    public PartisanPeerService PeerService { get; set; } = PartisanPeerService.FullMesh;

    /// <summary>The HyParView peer service's options, used when <see cref="PeerService"/> is <see cref="PartisanPeerService.HyParView"/>.</summary>
    public HyParViewOptions HyParView { get; } = new();

    /// <summary>The client-server peer service's options (this node's role), used when <see cref="PeerService"/> is <see cref="PartisanPeerService.ClientServer"/>.</summary>
    public ClientServerOptions ClientServer { get; } = new();

    /// <summary>The static peer service's options (the fixed member list), used when <see cref="PeerService"/> is <see cref="PartisanPeerService.Static"/>.</summary>
    public StaticPeerServiceOptions Static { get; } = new();

    /// <summary>The options of an Orleans client's overlay node (<c>clientBuilder.AddPartisan</c>); a silo ignores them.</summary>
    public PartisanClientOptions Client { get; } = new();

    /// <summary>The overlay's failure detector, which can evict crashed silos from Orleans' membership (off by default).</summary>
    public FailureDetectionOptions FailureDetection { get; } = new();

    /// <summary>The options of Plumtree broadcast and its anti-entropy exchange (used by every peer service).</summary>
    public PlumtreeOptions Plumtree { get; } = new();

    /// <summary>The options of acknowledged and causal delivery (<see cref="ForwardOptions.Ack"/>, <see cref="ForwardOptions.CausalLabel"/>).</summary>
    public DeliveryOptions Delivery { get; } = new();

    /// <summary>
    /// The address the overlay listens on. Default <see langword="null"/>: the silo's advertised IP address.
    /// </summary>
    public IPAddress? ListenAddress { get; set; }

    /// <summary>
    /// The port the overlay listens on. Default 0: the OS chooses a free port, and the chosen port is
    /// what the node advertises in its <see cref="NodeSpec"/>. Between 0 and 65535.
    /// </summary>
    public int ListenPort { get; set; }

    /// <summary>
    /// The cluster id checked at every handshake, so silos of another cluster are refused.
    /// Default <see langword="null"/>: Orleans' <c>ClusterOptions.ClusterId</c>.
    /// </summary>
    public string? ClusterId { get; set; }

    /// <summary>
    /// Channels besides <see cref="PartisanChannels.Default"/>, by name. The default channel is always
    /// present (parallelism 1 unless configured here). Names are case-sensitive and not empty;
    /// parallelism is between 1 and 64.
    /// </summary>
    public Dictionary<string, ChannelOptions> Channels { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How often the peer service gossips its membership to every member and re-dials members it is
    /// not connected to. Default 10 s (<see cref="DefaultGossipInterval"/>); more than zero.
    /// Membership changes are gossiped at once regardless.
    /// </summary>
    public TimeSpan GossipInterval { get; set; } = DefaultGossipInterval;

    /// <summary>
    /// The first wait before a lost connection is dialled again; doubled after each failure up to
    /// <see cref="MaxReconnectInterval"/>. Default 1 s (Partisan's retry interval); more than zero.
    /// </summary>
    public TimeSpan ReconnectInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two dials of a lost connection. Default 10 s; at least <see cref="ReconnectInterval"/>.</summary>
    public TimeSpan MaxReconnectInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a dial and its handshake may take. Default 5 s; more than zero.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a node sends a heartbeat on each connection another node dialled to it, so that the dialler can
    /// tell a live peer from one that is frozen or cut off while its connections stay open (a stopped process, a
    /// half-open TCP connection). The dialler asks for its own interval in the handshake. Default 1 s; between
    /// 10 ms and a day.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a connection this node dialled may receive nothing, not even a heartbeat, before this node closes it;
    /// when that was the peer's last connection, the peer goes down with <see cref="NodeDownReason.HeartbeatTimeout"/>
    /// (and is redialled while it is a member). Only time this process ran counts: after a pause of this process
    /// (a garbage collection, CPU starvation) the peer's heartbeats may be waiting unread, so the pause is not held
    /// against it. Default 4 s: a peer paused for 1 s (a long garbage collection) stays silent for about
    /// <see cref="HeartbeatInterval"/> plus 1 s. More than twice <see cref="HeartbeatInterval"/>, or
    /// <see cref="Timeout.InfiniteTimeSpan"/> to switch heartbeats off (then a frozen peer is noticed only when its
    /// connections close).
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// The largest serialized message, in bytes, that is sent or accepted. A larger message is refused
    /// at the sender with <see cref="MessageTooLargeException"/>; a larger incoming frame closes that
    /// connection. Default 16 MiB; between 1 KiB and 1 GiB.
    /// </summary>
    public int MaxFrameSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// How many messages one connection queues before senders wait (backpressure), so a slow peer
    /// cannot grow memory without bound. Default 1024; at least 1.
    /// </summary>
    public int SendQueueCapacity { get; set; } = 1024;

    /// <summary>
    /// How many times a message sent with <see cref="ForwardOptions.Transitive"/> may be relayed
    /// before it is dropped (and counted). Default 6; between 1 and 32. Partisan uses 5; the overlay's
    /// diameter grows with the log of the cluster size, so allow a little more.
    /// </summary>
    public int RelayHopLimit { get; set; } = 6;

    /// <summary>
    /// How long <see cref="IPartisan.CallAsync{TResponse}"/> waits for a reply when the call names no timeout.
    /// Default 5 s (<see cref="DefaultCallTimeout"/>); more than zero, or <see cref="Timeout.InfiniteTimeSpan"/>
    /// to wait until the reply or the callee's <c>nodedown</c>.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = DefaultCallTimeout;

    /// <summary>
    /// Whether the overlay follows Orleans' cluster membership: silos that join Orleans join the
    /// overlay, silos declared dead are removed. Default <see langword="true"/>; a client of <see cref="PartisanPeerService.ClientServer"/>
    /// needs it (the servers find it through it), and <see cref="PartisanPeerService.Static"/> does not use it.
    /// </summary>
    public bool FollowClusterMembership { get; set; } = true;

    /// <summary>
    /// Under a partial-view peer service (HyParView, and client-server, where clients have no connection to each other), how often a node that monitors processes of another node
    /// checks, over the overlay, that the other node is there and holds its monitors. A node that does not answer
    /// within an interval is taken as down (every monitor on it reports <see cref="ProcessDownReason.NoConnection"/>),
    /// and a node drops the monitors it holds for a watcher it has not heard from for three intervals. The full
    /// mesh does not check: there a node is down when its connection is. Default 5 s; more than zero.
    /// </summary>
    public TimeSpan ProcessMonitorCheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}

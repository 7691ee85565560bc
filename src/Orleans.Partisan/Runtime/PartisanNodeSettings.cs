using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// What a <see cref="PartisanNode"/> needs, resolved from <see cref="PartisanOptions"/> and the host.
/// Each default is <see cref="PartisanOptions"/>' own, so it is written once.
/// </summary>
internal sealed record PartisanNodeSettings
{
    private static readonly PartisanOptions Defaults = new();

    /// <summary>The transport's settings (cluster id, name, listen endpoint, channels, limits).</summary>
    public required TransportSettings Transport { get; init; }

    /// <summary>The peer service.</summary>
    public PartisanPeerService PeerService { get; init; } = Defaults.PeerService;

    /// <summary>How often the peer service gossips its membership and re-dials members it lost.</summary>
    public TimeSpan GossipInterval { get; init; } = Defaults.GossipInterval;

    /// <summary>The HyParView options, for <see cref="PartisanPeerService.HyParView"/>.</summary>
    public HyParViewOptions HyParView { get; init; } = new();

    /// <summary>This node's role, for <see cref="PartisanPeerService.ClientServer"/>.</summary>
    public PartisanNodeRole ClientServerRole { get; init; } = Defaults.ClientServer.Role;

    /// <summary>
    /// Whether this node is an Orleans client's (<c>clientBuilder.AddPartisan</c>): it runs <c>GatewayClientCore</c>
    /// whatever <see cref="PeerService"/> says, attaching to silos instead of joining their peer service.
    /// </summary>
    public bool IsClusterClient { get; init; }

    /// <summary>For an Orleans client's node, how many silos it attaches to (<see cref="PartisanClientOptions.Gateways"/>).</summary>
    public int ClientGateways { get; init; } = Defaults.Client.Gateways;

    /// <summary>For an Orleans client's node, how often it renews its attachments (<see cref="PartisanClientOptions.RenewInterval"/>).</summary>
    public TimeSpan ClientRenewInterval { get; init; } = Defaults.Client.RenewInterval;

    /// <summary>The listed members' overlay endpoints, this node's own included, for <see cref="PartisanPeerService.Static"/>.</summary>
    public IReadOnlyList<System.Net.IPEndPoint> StaticMembers { get; init; } = [];

    /// <summary>The Plumtree broadcast options.</summary>
    public PlumtreeOptions Plumtree { get; init; } = new();

    /// <summary>The options of acknowledged and causal delivery.</summary>
    public DeliveryOptions Delivery { get; init; } = new();

    /// <summary>The broadcast handlers registered on this node.</summary>
    public IReadOnlyList<BroadcastHandlerRegistration> BroadcastHandlers { get; init; } = [];

    /// <summary>
    /// The seed of the peer service's random source; <see langword="null"/> for a fresh one per node.
    /// It is logged at start, so a run can be replayed.
    /// </summary>
    public int? RandomSeed { get; init; }

    /// <summary>How many times a transitively forwarded message may be relayed.</summary>
    public int RelayHopLimit { get; init; } = Defaults.RelayHopLimit;

    /// <summary>How long a call waits for its reply when it names no timeout.</summary>
    public TimeSpan CallTimeout { get; init; } = Defaults.CallTimeout;

    /// <summary>
    /// How long a graceful leave waits for its announcements to be written before closing, and then for
    /// the members told to drop their connections to this node: <see cref="PartisanOptions.ConnectTimeout"/>.
    /// </summary>
    public TimeSpan LeaveTimeout { get; init; } = Defaults.ConnectTimeout;

    /// <summary>Under a partial-view peer service, how often process monitors check their target nodes (<see cref="PartisanOptions.ProcessMonitorCheckInterval"/>).</summary>
    public TimeSpan ProcessMonitorCheckInterval { get; init; } = Defaults.ProcessMonitorCheckInterval;
}

namespace Orleans.Partisan.Runtime;

/// <summary>What the overlay's health check judges, read from one node at once.</summary>
/// <param name="Started">Whether the node has started (and not stopped).</param>
/// <param name="HasLeft">Whether the node left the overlay, or was removed from it, and has not joined again.</param>
/// <param name="PeerService">The node's peer service.</param>
/// <param name="Members">The members the node knows, itself excluded.</param>
/// <param name="Neighbors">The members the peer service keeps connections to (every member under full mesh; servers, and
/// for a server every node, under client-server; the listed nodes under static).</param>
/// <param name="Connected">The peers the node has an outbound connection to, reported up.</param>
/// <param name="ActiveView">HyParView's active view size; -1 under another peer service.</param>
/// <param name="MinActiveView">HyParView's <see cref="HyParViewOptions.MinActiveViewSize"/>.</param>
/// <param name="FullestQueue">The most messages waiting in any one outbound connection's send queue.</param>
/// <param name="QueueCapacity">The capacity of each send queue (<see cref="PartisanOptions.SendQueueCapacity"/>).</param>
internal sealed record OverlayHealthSnapshot(
    bool Started,
    bool HasLeft,
    PartisanPeerService PeerService,
    IReadOnlyList<NodeName> Members,
    IReadOnlySet<NodeName> Neighbors,
    IReadOnlySet<NodeName> Connected,
    int ActiveView,
    int MinActiveView,
    int FullestQueue,
    int QueueCapacity);

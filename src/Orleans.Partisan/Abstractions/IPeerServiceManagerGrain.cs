namespace Orleans.Partisan;

/// <summary>
/// The overlay of one silo, as seen from anywhere in the cluster: its node spec, members and
/// connections. One activation per silo, keyed by the silo's address
/// (see <see cref="PartisanGrainFactoryExtensions.GetPeerServiceManager"/>).
/// </summary>
public interface IPeerServiceManagerGrain : IGrainWithStringKey
{
    /// <summary>The silo's node spec.</summary>
    Task<NodeSpec> GetNodeSpec();

    /// <summary>The silo's members, itself included.</summary>
    Task<IReadOnlyList<NodeSpec>> GetMembers();

    /// <summary>The nodes of a kind, as <see cref="IPartisan.GetNodes"/> on that silo.</summary>
    Task<IReadOnlyList<NodeName>> GetNodes(NodeSelection selection);

    /// <summary>The silo's open overlay connections.</summary>
    Task<IReadOnlyList<ConnectionInfo>> GetConnections();

    /// <summary>The silo's peer-service views, as <see cref="IPartisan.GetViewsAsync"/> on that silo.</summary>
    Task<PeerServiceViews> GetViews();

    /// <summary>Whether the silo is fully connected to <paramref name="node"/>.</summary>
    Task<bool> IsFullyConnected(NodeName node);

    /// <summary>
    /// Whether the silo reaches <paramref name="node"/> with a fresh dial (connect and handshake within
    /// <see cref="FailureDetectionOptions.ProbeTimeout"/>): the failure detector's second opinion.
    /// </summary>
    Task<bool> CanReach(NodeSpec node);

    /// <summary>
    /// Makes the silo join the overlay through <paramref name="contact"/> (Partisan's <c>join/1</c>, run on
    /// that silo), without waiting for the join to complete. Used to reconnect a partial-view overlay
    /// that fell apart.
    /// </summary>
    Task JoinThrough(NodeSpec contact);
}

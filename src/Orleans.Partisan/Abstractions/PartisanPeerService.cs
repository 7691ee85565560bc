namespace Orleans.Partisan;

/// <summary>The overlay's peer service: which nodes connect to which.</summary>
public enum PartisanPeerService
{
    /// <summary>
    /// Every node connects to every other; membership is an OR-set gossiped on change and
    /// periodically (Partisan's default, documented for up to about 200 nodes).
    /// </summary>
    FullMesh,

    /// <summary>
    /// HyParView (Leitão, Pereira, Rodrigues, DSN 2007): each node keeps a small active view of
    /// connected neighbours and a larger passive view of known nodes, so its cost grows with the log of
    /// the cluster size. Configured by <c>PartisanOptions.HyParView</c>. Send to a non-neighbour with
    /// <see cref="ForwardOptions.Transitive"/>.
    /// </summary>
    HyParView,

    /// <summary>
    /// Client-server, as Partisan's <c>partisan_client_server_peer_service_manager</c>: each node is a server or a
    /// client (<c>PartisanOptions.ClientServer.Role</c>). Servers connect to every node; clients connect to every
    /// server and to no other client. A message from a client to another client is relayed through a server, with
    /// no option to set. Membership is an OR-set of the nodes and their roles, as in the full mesh.
    /// </summary>
    ClientServer,

    /// <summary>
    /// Static, as Partisan's <c>partisan_static_peer_service_manager</c>: the members are a fixed list of overlay
    /// endpoints from configuration (<c>PartisanOptions.Static.Members</c>). Each node connects to every listed
    /// endpoint and reconnects forever with backoff; a node that is not listed is refused. Orleans' cluster
    /// membership is not followed.
    /// </summary>
    Static,
}

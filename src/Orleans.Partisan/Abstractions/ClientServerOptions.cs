namespace Orleans.Partisan;

/// <summary>
/// Options of the client-server peer service (<see cref="PartisanPeerService.ClientServer"/>), set per silo:
/// <c>o.ClientServer.Role = PartisanNodeRole.Client</c>, or <c>"Partisan": { "ClientServer": { "Role": "Client" } }</c>
/// in configuration.
/// </summary>
/// <remarks>
/// Servers form a full mesh and connect to every client; clients connect to every server. Each node announces its own
/// role in the membership it gossips, so a silo needs no list of the others' roles. A client learns the members from
/// the servers: following Orleans' cluster membership, each server joins every silo, and a client joins no one until a
/// server reaches it. A cluster therefore needs at least one server.
/// </remarks>
public sealed class ClientServerOptions
{
    /// <summary>
    /// This node's role. Default <see cref="PartisanNodeRole.Server"/>: a cluster of servers only is a full mesh.
    /// </summary>
    public PartisanNodeRole Role { get; set; } = PartisanNodeRole.Server;
}

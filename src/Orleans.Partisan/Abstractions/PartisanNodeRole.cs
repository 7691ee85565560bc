namespace Orleans.Partisan;

/// <summary>The role of a node under <see cref="PartisanPeerService.ClientServer"/> (<see cref="ClientServerOptions.Role"/>).</summary>
public enum PartisanNodeRole
{
    /// <summary>A server: connects to every server and every client, and relays messages between clients.</summary>
    Server,

    /// <summary>A client: connects to every server and to no other client; its messages to another client go through a server.</summary>
    Client,
}

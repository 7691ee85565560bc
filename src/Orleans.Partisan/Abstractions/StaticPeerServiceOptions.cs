namespace Orleans.Partisan;

/// <summary>
/// Options of the static peer service (<see cref="PartisanPeerService.Static"/>): the fixed list of the overlay's
/// members, the same on every node, bindable from configuration
/// (<c>"Partisan": { "Static": { "Members": [ "10.0.0.1:11300", "10.0.0.2:11300" ] } }</c>).
/// </summary>
/// <remarks>
/// A member is named by its overlay endpoint (<see cref="PartisanOptions.ListenAddress"/> and
/// <see cref="PartisanOptions.ListenPort"/> of that node), not by its node name, because a silo's node name changes
/// with every restart. Each node asks every listed endpoint which node listens there, connects to it, and, whenever
/// the connection is lost or the endpoint does not answer, asks again after <see cref="PartisanOptions.ReconnectInterval"/>,
/// doubled after each failure up to <see cref="PartisanOptions.MaxReconnectInterval"/>: each wait is bounded, and the
/// attempts never stop. A node found at a listed endpoint under a new name (a restarted silo) replaces the old one.
/// A node whose listen endpoints are not in the list is refused at the handshake, with a logged reason.
/// </remarks>
public sealed class StaticPeerServiceOptions
{
    /// <summary>
    /// The members' overlay endpoints as <c>address:port</c> (an IPv4 or IPv6 address, IPv6 in brackets, and a port
    /// between 1 and 65535), this node's own included. Default empty; with <see cref="PartisanPeerService.Static"/>,
    /// at least this node's own endpoint, which needs a fixed <see cref="PartisanOptions.ListenPort"/>.
    /// </summary>
    public List<string> Members { get; } = [];

    /// <summary>Every problem with these options, one sentence each naming the option and why; empty when valid.</summary>
    /// <param name="listenPort">The node's <see cref="PartisanOptions.ListenPort"/>, which must be fixed and listed.</param>
    public IReadOnlyList<string> Validate(int listenPort)
    {
        var errors = new List<string>();
        if (Members.Count == 0)
        {
            errors.Add("Members must list the overlay endpoints of the static members (address:port), this node's own included; it is empty.");
            return errors;
        }

        var ports = new List<int>();
        foreach (var member in Members)
        {
            if (!System.Net.IPEndPoint.TryParse(member ?? string.Empty, out var endpoint) || endpoint.Port == 0)
            {
                errors.Add($"Members entry '{member}' is not an address:port endpoint with a port between 1 and 65535 (for example 10.0.0.1:11300).");
            }
            else
            {
                ports.Add(endpoint.Port);
            }
        }

        if (listenPort == 0)
        {
            errors.Add("ListenPort must be fixed (not 0) under the static peer service, so that the other members find this node at its listed endpoint.");
        }
        else if (errors.Count == 0 && !ports.Contains(listenPort))
        {
            errors.Add($"Members must include this node's own endpoint, and none has its ListenPort {listenPort}: [{string.Join(", ", Members)}].");
        }

        return errors;
    }
}

namespace Orleans.Partisan.Protocols.Gateway;

/// <summary>
/// A client node asks a silo to be its gateway, and renews that every <see cref="PartisanClientOptions.RenewInterval"/>:
/// the silo dials the client back (it sends only on connections it dialled) and answers with a <see cref="GatewayWelcome"/>.
/// </summary>
/// <param name="Client">The client's node spec: its name must be the name of the node that sent it.</param>
/// <param name="RenewInterval">How often the client renews: the gateway detaches a client it has not heard from for three intervals.</param>
[GenerateSerializer, Immutable, Alias("partisan.gateway.Attach")]
internal sealed record GatewayAttach([property: Id(0)] NodeSpec Client, [property: Id(1)] TimeSpan RenewInterval);

namespace Orleans.Partisan.Protocols.Gateway;

/// <summary>A gateway silo's answer to a <see cref="GatewayAttach"/>: the silos it knows (itself included), which the client may fail over to.</summary>
/// <param name="Silos">The silos' node specs.</param>
[GenerateSerializer, Immutable, Alias("partisan.gateway.Welcome")]
internal sealed record GatewayWelcome([property: Id(0)] NodeSpec[] Silos);

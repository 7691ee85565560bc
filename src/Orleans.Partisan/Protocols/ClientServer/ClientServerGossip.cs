using Orleans.Partisan.Protocols.FullMesh;

namespace Orleans.Partisan.Protocols.ClientServer;

/// <summary>The client-server peer service's only message: the sender's whole membership state, each member with its role.</summary>
[GenerateSerializer, Immutable, Alias("partisan.clientserver.Gossip")]
internal sealed record ClientServerGossip([property: Id(0)] OrSet<ClientServerMember> State);

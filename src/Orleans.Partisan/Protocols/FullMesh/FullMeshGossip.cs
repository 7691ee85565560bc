namespace Orleans.Partisan.Protocols.FullMesh;

/// <summary>The full-mesh peer service's only message: the sender's whole membership state.</summary>
[GenerateSerializer, Immutable, Alias("partisan.fullmesh.Gossip")]
internal sealed record FullMeshGossip([property: Id(0)] OrSet<NodeSpec> State);

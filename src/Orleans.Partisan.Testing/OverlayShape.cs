namespace Orleans.Partisan.Testing;

/// <summary>What a converged overlay looks like, by peer service.</summary>
internal enum OverlayShape
{
    /// <summary>Every node knows and is fully connected to every other: the full mesh, and the static peer service when every silo is listed.</summary>
    FullMesh,

    /// <summary>Neighbourhood is symmetric, every node has one, and the neighbours form one connected graph: HyParView.</summary>
    PartialView,

    /// <summary>Every node knows every other; servers are connected to every node, clients to every server and to no client.</summary>
    ClientServer,
}

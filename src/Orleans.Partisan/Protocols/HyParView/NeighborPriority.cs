namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>The priority of a <see cref="HyParViewNeighbor"/> request (§4.3).</summary>
[GenerateSerializer, Alias("partisan.hyparview.NeighborPriority")]
internal enum NeighborPriority
{
    /// <summary>The requester has other neighbours: accepted only if the receiver has a free active slot.</summary>
    Low = 0,

    /// <summary>The requester's active view is empty: always accepted, dropping a random neighbour if needed.</summary>
    High = 1,
}

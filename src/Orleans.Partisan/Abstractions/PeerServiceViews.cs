namespace Orleans.Partisan;

/// <summary>
/// The views of one node's peer service: the neighbours it keeps connections to, and the nodes it knows but holds in
/// reserve. Under HyParView these are the paper's active and passive views; under the full mesh every other member is
/// active and the passive view is empty.
/// </summary>
/// <param name="Active">The active view: the nodes the peer service keeps connected, sorted; this node excluded.</param>
/// <param name="Passive">The passive view: nodes known but not connected, promoted when an active neighbour fails; sorted.</param>
[GenerateSerializer, Immutable, Alias("partisan.PeerServiceViews")]
public sealed record PeerServiceViews(
    [property: Id(0)] IReadOnlyList<NodeName> Active,
    [property: Id(1)] IReadOnlyList<NodeName> Passive);

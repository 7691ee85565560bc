namespace Orleans.Partisan;

/// <summary>One silo's links in the Plumtree tree of one root: where it pushes that root's messages, and where it only announces them.</summary>
/// <param name="Root">The node whose broadcasts travel along this tree.</param>
/// <param name="Eager">Neighbours this node pushes the root's messages to (tree links).</param>
/// <param name="Lazy">Neighbours this node only announces the root's messages to (IHAVE).</param>
[GenerateSerializer, Immutable, Alias("partisan.BroadcastTree")]
public sealed record BroadcastTree(
    [property: Id(0)] NodeName Root,
    [property: Id(1)] IReadOnlyList<NodeName> Eager,
    [property: Id(2)] IReadOnlyList<NodeName> Lazy);

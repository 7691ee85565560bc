using System.Collections.Immutable;

namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>One node's links in the broadcast tree of <paramref name="Root"/>.</summary>
/// <param name="Root">The root of the tree.</param>
/// <param name="Eager">The neighbours this node pushes the root's messages to.</param>
/// <param name="Lazy">The neighbours this node only announces the root's messages to.</param>
internal sealed record BroadcastTreeLinks(NodeName Root, ImmutableArray<NodeName> Eager, ImmutableArray<NodeName> Lazy);

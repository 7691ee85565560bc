using System.Collections.Immutable;

namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>
/// SHUFFLEREPLY (§4.4): as many nodes from the end node's passive view as the shuffle carried, relayed
/// hop by hop over active links back to the origin. A hop whose link to the next one is gone drops it.
/// Needs an active link from the sender.
/// </summary>
/// <param name="Sender">The node that sent this hop.</param>
/// <param name="Epoch">The epoch of the sender's link to the receiver.</param>
/// <param name="ShuffleId">The origin's number of the shuffle this answers.</param>
/// <param name="Nodes">Nodes from the end node's passive view.</param>
/// <param name="Origin">The node that started the shuffle, the last node of the route.</param>
/// <param name="Route">The nodes still to visit after the receiver, the origin last; empty when the receiver is the origin.</param>
[GenerateSerializer, Immutable, Alias("partisan.hyparview.ShuffleReply")]
internal sealed record HyParViewShuffleReply(
    [property: Id(0)] NodeSpec Sender,
    [property: Id(1)] long Epoch,
    [property: Id(2)] long ShuffleId,
    [property: Id(3)] ImmutableArray<NodeSpec> Nodes,
    [property: Id(4)] NodeName Origin,
    [property: Id(5)] ImmutableArray<NodeName> Route) : IHyParViewMessage;

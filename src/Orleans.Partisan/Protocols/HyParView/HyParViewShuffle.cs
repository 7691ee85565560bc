using System.Collections.Immutable;

namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>
/// SHUFFLE (§4.4): a sample of the origin's views on a random walk over active links. The node where
/// the walk ends answers with a <see cref="HyParViewShuffleReply"/> that travels back along
/// <see cref="Path"/> reversed, to the origin. Needs an active link from the sender.
/// </summary>
/// <param name="Sender">The node that sent this hop.</param>
/// <param name="Epoch">The epoch of the sender's link to the receiver.</param>
/// <param name="ShuffleId">The origin's number for this shuffle, echoed in the reply.</param>
/// <param name="Nodes">The origin itself, then up to k_a of its active and k_p of its passive view.</param>
/// <param name="Ttl">The remaining time to live, ARWL at the origin.</param>
/// <param name="Path">The nodes the walk went through, the origin first and the sender last.</param>
[GenerateSerializer, Immutable, Alias("partisan.hyparview.Shuffle")]
internal sealed record HyParViewShuffle(
    [property: Id(0)] NodeSpec Sender,
    [property: Id(1)] long Epoch,
    [property: Id(2)] long ShuffleId,
    [property: Id(3)] ImmutableArray<NodeSpec> Nodes,
    [property: Id(4)] int Ttl,
    [property: Id(5)] ImmutableArray<NodeName> Path) : IHyParViewMessage
{
    /// <summary>The node that started the shuffle.</summary>
    public NodeName Origin => Path.IsDefaultOrEmpty ? default : Path[0];
}

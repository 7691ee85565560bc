using System.Collections.Immutable;

namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>
/// The answer to a <see cref="HyParViewNeighbor"/> request or a <see cref="HyParViewJoin"/> (always
/// accepted). An accepting answer means the sender has added the requester to its active view.
/// </summary>
/// <param name="Sender">The node that was asked.</param>
/// <param name="Epoch">
/// The request's epoch for a rejection; for an acceptance, the link's epoch (at least the request's),
/// so a reply to an older request is recognised.
/// </param>
/// <param name="Accepted">Whether the sender took the requester into its active view.</param>
/// <param name="Suggestions">
/// With a rejection, or the answer to a JOIN, a sample of the sender's views (k_a active, k_p passive)
/// the requester adds to its passive view, so that a joiner, or a node that knows only full nodes,
/// learns others (not in the paper: see <see cref="HyParViewCore"/>). Otherwise empty.
/// </param>
[GenerateSerializer, Immutable, Alias("partisan.hyparview.NeighborReply")]
internal sealed record HyParViewNeighborReply(
    [property: Id(0)] NodeSpec Sender,
    [property: Id(1)] long Epoch,
    [property: Id(2)] bool Accepted,
    [property: Id(3)] ImmutableArray<NodeSpec> Suggestions) : IHyParViewMessage
{
    /// <summary>An acceptance.</summary>
    public static HyParViewNeighborReply Accept(NodeSpec sender, long epoch) => new(sender, epoch, Accepted: true, []);
}

namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>
/// A message of the HyParView peer service. Every message names its sender and carries a link
/// epoch, so that a message about an older link between the two nodes cannot tear down a newer one.
/// </summary>
/// <remarks>
/// Link epochs are Lamport timestamps: every node keeps a counter, raised to the largest epoch it
/// receives; the node that opens a link (JOIN, NEIGHBOR, or the end of a FORWARD_JOIN walk) stamps it
/// with its counter plus one, and both ends keep the largest epoch they have seen for the link. A link
/// opened after another one between the same nodes therefore has a larger epoch than every message of
/// the older one. Messages sent over an established link carry that link's epoch.
/// </remarks>
internal interface IHyParViewMessage
{
    /// <summary>The sending node.</summary>
    NodeSpec Sender { get; }

    /// <summary>The epoch of the link the message concerns, as the sender knows it.</summary>
    long Epoch { get; }
}

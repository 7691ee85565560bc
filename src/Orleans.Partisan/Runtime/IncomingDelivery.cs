using Orleans.Partisan.Protocols.Delivery;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// An acknowledged or causal message that arrived (or that this node sent itself), on its way to its target: a value, so a
/// delivered message costs no object of the delivery layer's own.
/// </summary>
/// <param name="From">The sender.</param>
/// <param name="Channel">The channel it came on.</param>
/// <param name="Target">Its target on this node.</param>
/// <param name="Message">The message; <see langword="null"/> for a causal placeholder, delivered to no one.</param>
/// <param name="IsCast">Whether it was cast.</param>
/// <param name="Session">The sender's session; 0 for a message this node sent itself (not tracked by the ack layer).</param>
/// <param name="Sequence">Its number in the session.</param>
/// <param name="Label">Its causal label, if any.</param>
/// <param name="Causal">Its causal stamp, with the label.</param>
/// <param name="Delivered">For a message this node sent itself with <see cref="ForwardOptions.Ack"/>: completed once delivered.</param>
/// <param name="Call">The call it is the request of, if any.</param>
/// <param name="Received">
/// For an acknowledged forward an inbound connection decoded straight into what its receiver gets: that message, handed
/// to its target as it is (its other fields repeat it).
/// </param>
internal readonly record struct IncomingDelivery(
    NodeName From,
    string Channel,
    PartisanTarget Target,
    object? Message,
    bool IsCast,
    long Session,
    long Sequence,
    string? Label,
    CausalStamp? Causal,
    TaskCompletionSource? Delivered = null,
    CallHeader Call = default,
    ReceivedMessage? Received = null)
{
    /// <summary>Whether it came from another node, through the ack layer.</summary>
    public bool IsTracked => Session != 0;
}

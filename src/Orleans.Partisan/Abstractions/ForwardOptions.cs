namespace Orleans.Partisan;

/// <summary>How a message is forwarded (Partisan's <c>forward_opts()</c>).</summary>
public readonly record struct ForwardOptions
{
    /// <summary>The channel to send on; <see langword="null"/> for <see cref="PartisanChannels.Default"/>. An unknown channel is an error.</summary>
    public string? Channel { get; init; }

    /// <summary>
    /// Picks the lane: messages with the same key go over the same connection and stay in order.
    /// Without a key, messages are spread over the channel's lanes. On a monotonic channel, a queued
    /// message to the same target with the same key is superseded by a newer one.
    /// </summary>
    public int? PartitionKey { get; init; }

    /// <summary>
    /// Whether a message for a node this node has no connection to is relayed over the overlay
    /// (Partisan's <c>transitive</c>): each neighbour delivers it if it is the destination, sends it
    /// there if connected to it, or hands it on, at most <c>PartisanOptions.RelayHopLimit</c> times.
    /// Meant for partial-view peer services; with a connection to the destination the message goes
    /// straight there. The destination need not be a known member. Default <see langword="false"/>.
    /// </summary>
    public bool Transitive { get; init; }

    /// <summary>
    /// Whether the send completes only once the destination has delivered the message (Partisan's
    /// <c>ack</c>): handed to its receiver or mailbox, or its grain call returned. The message is kept and
    /// retransmitted (after <see cref="DeliveryOptions.RetransmitInterval"/> without an acknowledgement, and
    /// at once when a lost connection comes back) and the destination drops the copies it delivered
    /// already, so each acknowledged message is delivered exactly once while both nodes live; messages with
    /// the same partition key are delivered in the order sent. A send waits while
    /// <see cref="DeliveryOptions.MaxUnackedMessages"/> messages to the destination are unacknowledged.
    /// It fails with <see cref="AckTimeoutException"/> after <see cref="DeliveryOptions.AckTimeout"/>, and with
    /// <see cref="AckNodeDownException"/> when the destination leaves (or, with
    /// <see cref="DeliveryOptions.FailOnNodeDown"/>, when its connection is lost). Never superseded on a
    /// monotonic channel. Default <see langword="false"/>.
    /// </summary>
    public bool Ack { get; init; }

    /// <summary>
    /// A causal label (Partisan's <c>causal_label</c>): the message is delivered only after every message of
    /// the same label that was sent to the same node and causally precedes it (sent before it by the same
    /// node, or delivered at its sender before it was sent, and so on), whatever channel or lane each took.
    /// Causal messages are always carried reliably, as with <see cref="Ack"/> (a lost one would hold up its
    /// successors); <see cref="Ack"/> only decides whether the send waits for the delivery. Not empty;
    /// default <see langword="null"/>: no causal order.
    /// </summary>
    public string? CausalLabel { get; init; }
}

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
}

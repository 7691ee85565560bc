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
}

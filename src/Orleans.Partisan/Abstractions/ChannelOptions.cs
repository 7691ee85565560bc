namespace Orleans.Partisan;

/// <summary>
/// How one named channel behaves: how many parallel connections it opens to each peer and
/// whether its messages supersede each other.
/// </summary>
[GenerateSerializer, Immutable, Alias("partisan.ChannelOptions")]
public sealed record ChannelOptions
{
    /// <summary>
    /// The number of TCP connections (lanes) opened to each peer for this channel. Default 1; at least 1.
    /// Messages with the same partition key always use the same lane, so they stay in order.
    /// </summary>
    [Id(0)]
    public int Parallelism { get; init; } = 1;

    /// <summary>
    /// Whether a queued message is superseded by a newer one to the same target with the same
    /// partition key (for growing state such as CRDTs). Default <see langword="false"/>.
    /// A superseded message keeps its place in the queue, so every key is sent at the latest
    /// when the queue reaches it: a monotonic stream never starves.
    /// </summary>
    [Id(1)]
    public bool Monotonic { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"parallelism={Parallelism}, monotonic={Monotonic}";
}

namespace Orleans.Partisan.Simulation;

/// <summary>
/// The scenario and network model of a <see cref="DeliverySimulator"/>: how many nodes send how many
/// messages, and what the network does to them. Every figure is in virtual time.
/// </summary>
internal sealed record DeliverySimulationOptions
{
    /// <summary>The seed: the workload, the network and the resets all derive from it.</summary>
    public int Seed { get; init; }

    /// <summary>How many nodes; at least 2.</summary>
    public int Nodes { get; init; } = 100;

    /// <summary>How many messages are sent in all.</summary>
    public int Messages { get; init; } = 10_000;

    /// <summary>The messages are sent over this long, at random moments (a sender's own order is the order of its sends).</summary>
    public TimeSpan SendPeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The least one-way latency.</summary>
    public TimeSpan MinLatency { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>The greatest one-way latency; each transmission draws its own in between.</summary>
    public TimeSpan MaxLatency { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The probability, in [0, 1), that a transmission (a message, a retransmission or an acknowledgement) is lost.</summary>
    public double LossRate { get; init; }

    /// <summary>
    /// Whether a connection may reorder: each transmission arrives after its own latency, so a later one can
    /// overtake an earlier one. Without it connections are FIFO, as TCP is.
    /// </summary>
    public bool Reorder { get; init; }

    /// <summary>
    /// The mean time between connection resets while messages are being sent, or <see langword="null"/> for none.
    /// A reset cuts both directions between two nodes that exchanged messages recently: what is in flight is
    /// lost, nothing passes until they reconnect <see cref="ReconnectDelay"/> later, and then each side is told.
    /// </summary>
    public TimeSpan? ResetInterval { get; init; }

    /// <summary>How long a reset connection stays down.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The ack tracker's retransmit interval.</summary>
    public TimeSpan RetransmitInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The ack window per destination (sender) and per sender (receiver).</summary>
    public int MaxUnacked { get; init; } = 64;

    /// <summary>Messages carry a partition key in [0, <see cref="PartitionKeys"/>) or none, each equally likely; messages of one key must be delivered in order.</summary>
    public int PartitionKeys { get; init; } = 4;

    /// <summary>
    /// <see langword="null"/>: acknowledged messages to any node. Otherwise causal messages: the nodes form
    /// groups of this size, each with a label of its own, and every message goes to a member of the sender's group.
    /// </summary>
    public int? CausalGroupSize { get; init; }

    /// <summary>The causal buffer's bound per label.</summary>
    public int MaxCausalBuffered { get; init; } = 10_000;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid figure.</summary>
    public void Validate()
    {
        if (Nodes < 2)
        {
            throw new ArgumentException($"{nameof(Nodes)} must be at least 2 (was {Nodes}).");
        }

        if (Messages < 0 || SendPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(Messages)} must not be negative and {nameof(SendPeriod)} more than zero.");
        }

        if (MinLatency < TimeSpan.Zero || MaxLatency < MinLatency)
        {
            throw new ArgumentException($"Latencies must satisfy 0 <= {nameof(MinLatency)} <= {nameof(MaxLatency)}.");
        }

        if (LossRate is < 0 or >= 1 || double.IsNaN(LossRate))
        {
            throw new ArgumentException($"{nameof(LossRate)} must be in [0, 1) (was {LossRate}).");
        }

        if (ResetInterval <= TimeSpan.Zero || ReconnectDelay < TimeSpan.Zero || RetransmitInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("The reset interval and retransmit interval must be more than zero, the reconnect delay not negative.");
        }

        if (MaxUnacked < 1 || PartitionKeys < 0 || MaxCausalBuffered < 1 || CausalGroupSize is < 2)
        {
            throw new ArgumentException("The window and the causal bound must be at least 1, partition keys not negative, a causal group at least 2 nodes.");
        }
    }
}

namespace Orleans.Partisan;

/// <summary>
/// Options of acknowledged and causal delivery (<see cref="ForwardOptions.Ack"/>,
/// <see cref="ForwardOptions.CausalLabel"/>), in <see cref="PartisanOptions.Delivery"/>.
/// </summary>
/// <remarks><see cref="Validate"/> lists every problem, one sentence each.</remarks>
public sealed class DeliveryOptions
{
    /// <summary>The largest interval a timer accepts (about 49.7 days).</summary>
    private static readonly TimeSpan MaxInterval = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// How many acknowledged (or causal) messages to one node may be outstanding: numbered from the oldest
    /// unacknowledged one, the window holds this many, and a send waits while it is full (backpressure, as
    /// a full send queue does). The receiving node keeps no more than this per sender either. Default 1024;
    /// between 1 and 1,000,000.
    /// </summary>
    public int MaxUnackedMessages { get; set; } = 1024;

    /// <summary>
    /// How long an acknowledged send waits for its acknowledgement, from the call (the wait for room in the
    /// window included), before it fails with <see cref="AckTimeoutException"/>; the message is then given up
    /// (not retransmitted; a copy already on its way may still be delivered, once). A causal message is kept
    /// and retransmitted after its sender's wait ended, since later causal messages to the node wait for it.
    /// Default 30 s; more than zero, or <see cref="Timeout.InfiniteTimeSpan"/> to wait until the node leaves.
    /// </summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a copy goes unacknowledged before it is sent again. Copies outstanding when a lost connection
    /// comes back are sent again at once, in order, whatever this says; this interval covers the losses a
    /// connection does not report (a message dropped on purpose, a lane that closed while others stayed up,
    /// a relayed copy). Default 1 s (Partisan's retransmit interval, but only for what is unacknowledged, and
    /// the receiver drops the copies it delivered already); more than zero.
    /// </summary>
    public TimeSpan RetransmitInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether acknowledged sends to a node fail with <see cref="AckNodeDownException"/> as soon as its last
    /// connection is lost (<c>nodedown</c>), and at once while it is not connected. Default
    /// <see langword="false"/>: they wait for the connection to come back and are retransmitted, and fail when
    /// the node leaves the overlay (or at <see cref="AckTimeout"/>).
    /// </summary>
    public bool FailOnNodeDown { get; set; }

    /// <summary>
    /// How many causal messages of one label may wait for their predecessors on this node. Beyond it a
    /// message that would have to wait is refused (logged and counted in
    /// <see cref="PartisanMetrics.MessagesCausalOverflow"/>) and its sender retransmits it later; the message
    /// that releases the waiting ones is never refused. Default 10,000; at least 1.
    /// </summary>
    public int MaxCausalBuffered { get; set; } = 10_000;

    /// <summary>Every problem with these options, one sentence each naming the option and why; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxUnackedMessages is < 1 or > 1_000_000)
        {
            errors.Add($"MaxUnackedMessages must be between 1 and 1,000,000; it is {MaxUnackedMessages}.");
        }

        if (AckTimeout != Timeout.InfiniteTimeSpan && (AckTimeout <= TimeSpan.Zero || AckTimeout > MaxInterval))
        {
            errors.Add($"AckTimeout must be more than zero and at most {MaxInterval}, or Timeout.InfiniteTimeSpan; it is {AckTimeout}.");
        }

        if (RetransmitInterval <= TimeSpan.Zero || RetransmitInterval > MaxInterval)
        {
            errors.Add($"RetransmitInterval must be more than zero and at most {MaxInterval}; it is {RetransmitInterval}.");
        }

        if (MaxCausalBuffered < 1)
        {
            errors.Add($"MaxCausalBuffered must be at least 1; it is {MaxCausalBuffered}.");
        }

        return errors;
    }
}

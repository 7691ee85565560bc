namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>The timers of <see cref="PlumtreeCore"/>.</summary>
internal abstract record PlumtreeTimer : CoreTimer
{
    /// <summary>
    /// The lazy tick (SRDS 2007 §3.6): the queued IHAVE batches go out. One-shot, armed
    /// <see cref="PlumtreeOptions.LazyTickInterval"/> ahead when the first announcement is queued, so an idle node has no tick.
    /// </summary>
    public sealed record LazyTick : PlumtreeTimer
    {
        /// <summary>The one key of this timer.</summary>
        public static readonly LazyTick Instance = new();
    }

    /// <summary>
    /// The forget tick: identities remembered for <see cref="PlumtreeOptions.MessageIdRetentionTicks"/> lazy-tick
    /// intervals are forgotten. Periodic, every third of the retention, while any identity is remembered.
    /// </summary>
    public sealed record Forget : PlumtreeTimer
    {
        /// <summary>The one key of this timer.</summary>
        public static readonly Forget Instance = new();
    }

    /// <summary>The periodic anti-entropy exchange (every <see cref="PlumtreeOptions.ExchangeInterval"/>).</summary>
    public sealed record Exchange : PlumtreeTimer
    {
        /// <summary>The one key of this timer.</summary>
        public static readonly Exchange Instance = new();
    }

    /// <summary>The one-shot timer of a missing message (the paper's first and second timers).</summary>
    /// <param name="Serial">Unique per missing message on this node, so a timer outlives no repair but its own.</param>
    public sealed record Graft(long Serial) : PlumtreeTimer;
}

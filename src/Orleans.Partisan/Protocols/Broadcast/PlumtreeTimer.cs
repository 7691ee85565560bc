namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>The timers of <see cref="PlumtreeCore"/>.</summary>
internal abstract record PlumtreeTimer : CoreTimer
{
    /// <summary>The periodic lazy tick (every <see cref="PlumtreeOptions.LazyTickInterval"/>): IHAVE batches go out, old identities are forgotten.</summary>
    public sealed record LazyTick : PlumtreeTimer
    {
        /// <summary>The one key of this timer.</summary>
        public static readonly LazyTick Instance = new();
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

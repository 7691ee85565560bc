namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>The timers of <see cref="FloodCore"/>.</summary>
internal abstract record FloodTimer : CoreTimer
{
    /// <summary>The periodic tick that forgets old identities (every <see cref="PlumtreeOptions.LazyTickInterval"/>).</summary>
    public sealed record Forget : FloodTimer
    {
        /// <summary>The one key of this timer.</summary>
        public static readonly Forget Instance = new();
    }

    /// <summary>The periodic anti-entropy exchange (every <see cref="PlumtreeOptions.ExchangeInterval"/>).</summary>
    public sealed record Exchange : FloodTimer
    {
        /// <summary>The one key of this timer.</summary>
        public static readonly Exchange Instance = new();
    }
}

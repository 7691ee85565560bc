namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>The timers of <see cref="HyParViewCore"/>.</summary>
internal abstract record HyParViewTimer : CoreTimer
{
    /// <summary>The periodic shuffle (every <see cref="HyParViewOptions.ShuffleInterval"/>).</summary>
    public sealed record Shuffle : HyParViewTimer
    {
        /// <summary>The one key of this timer.</summary>
        public static readonly Shuffle Instance = new();
    }

    /// <summary>
    /// The promotion of passive nodes: one-shot, <see cref="HyParViewOptions.PromotionInterval"/> after it is armed,
    /// and armed again while promotion has work (joining, or fewer neighbours than the minimum).
    /// </summary>
    public sealed record Promotion : HyParViewTimer
    {
        /// <summary>The one key of this timer.</summary>
        public static readonly Promotion Instance = new();
    }

    /// <summary>The one-shot timer of a peer (request timeouts, link checks).</summary>
    /// <param name="Node">The peer it is about.</param>
    public sealed record Peer(NodeName Node) : HyParViewTimer;
}

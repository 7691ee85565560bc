namespace Orleans.Partisan;

/// <summary>
/// Options of the HyParView peer service (Leitão, Pereira, Rodrigues, "HyParView: a membership
/// protocol for reliable gossip-based broadcast", DSN 2007). The defaults are the paper's (§5.1:
/// fanout 4, active view 5, passive view 30, ARWL 6, PRWL 3, shuffle 3 active + 4 passive).
/// </summary>
/// <remarks>
/// Every node keeps a small symmetric <em>active view</em> of open connections and a larger
/// <em>passive view</em> of known, unconnected nodes it promotes from when an active neighbour fails.
/// <see cref="Validate"/> lists every problem, one sentence each.
/// </remarks>
public sealed class HyParViewOptions
{
    /// <summary>The largest interval a timer accepts (about 49.7 days).</summary>
    private static readonly TimeSpan MaxInterval = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// The maximum size of the active view: the neighbours a node keeps open connections to.
    /// Default 5 (the paper's fanout + 1, §5.1); at least 1 and at least <see cref="MinActiveViewSize"/>.
    /// </summary>
    public int ActiveViewSize { get; set; } = 5;

    /// <summary>
    /// While the active view is smaller than this, the node promotes nodes from its passive view
    /// every <see cref="PromotionInterval"/> (the paper promotes only when a neighbour fails, §4.3; the
    /// periodic retry heals views that lost neighbours to DISCONNECTs or rejected requests).
    /// Default 3; between 1 and <see cref="ActiveViewSize"/>.
    /// </summary>
    public int MinActiveViewSize { get; set; } = 3;

    /// <summary>
    /// The maximum size of the passive view: nodes known but not connected, the reserve a failed
    /// neighbour is replaced from. Default 30 (§5.1); at least 1.
    /// </summary>
    public int PassiveViewSize { get; set; } = 30;

    /// <summary>
    /// ARWL, the active random walk length: the time to live a FORWARD_JOIN starts with (§4.2), and of
    /// a SHUFFLE's random walk (§4.4). A FORWARD_JOIN walk ends with the joiner added to the active view
    /// of the node where it reaches 0. Default 6 (§5.1); at least 1 and at least <see cref="PassiveRandomWalkLength"/>.
    /// </summary>
    public int ActiveRandomWalkLength { get; set; } = 6;

    /// <summary>
    /// PRWL, the passive random walk length: the node that receives a FORWARD_JOIN with this time to
    /// live adds the joiner to its passive view (§4.2). Default 3 (§5.1); between 1 and <see cref="ActiveRandomWalkLength"/>.
    /// </summary>
    public int PassiveRandomWalkLength { get; set; } = 3;

    /// <summary>
    /// k_a: how many active-view members a SHUFFLE carries besides the sender itself (§4.4). Default 3 (§5.1);
    /// between 0 and <see cref="ActiveViewSize"/>.
    /// </summary>
    public int ShuffleActiveCount { get; set; } = 3;

    /// <summary>
    /// k_p: how many passive-view members a SHUFFLE carries (§4.4). Default 4 (§5.1); between 0 and
    /// <see cref="PassiveViewSize"/>.
    /// </summary>
    public int ShufflePassiveCount { get; set; } = 4;

    /// <summary>
    /// How often a node starts a SHUFFLE with a random neighbour (§4.4), and checks each active link
    /// that carried nothing since the last time with a keep-alive. Default 10 s; more than zero.
    /// </summary>
    public TimeSpan ShuffleInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a node whose active view is smaller than <see cref="MinActiveViewSize"/> tries to
    /// promote nodes from its passive view (and a node that never joined retries its JOIN).
    /// Default 1 s; more than zero.
    /// </summary>
    public TimeSpan PromotionInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a NEIGHBOR or JOIN request waits for its answer before the candidate is considered
    /// failed (the paper's failed TCP connection, §4.3), and how long a new active link may take to
    /// connect. Default 2 s; more than zero.
    /// </summary>
    public TimeSpan NeighborTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Every problem with these options, one sentence each naming the option and why; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        // A relation to another option is checked only once that option is valid, so each mistake is reported once.
        AtLeastOne(ActiveViewSize, nameof(ActiveViewSize));
        AtLeastOne(PassiveViewSize, nameof(PassiveViewSize));
        AtLeastOne(ActiveRandomWalkLength, nameof(ActiveRandomWalkLength));
        if (MinActiveViewSize < 1 || (ActiveViewSize >= 1 && MinActiveViewSize > ActiveViewSize))
        {
            errors.Add($"MinActiveViewSize must be between 1 and ActiveViewSize ({ActiveViewSize}); it is {MinActiveViewSize}.");
        }

        if (PassiveRandomWalkLength < 1 || (ActiveRandomWalkLength >= 1 && PassiveRandomWalkLength > ActiveRandomWalkLength))
        {
            errors.Add($"PassiveRandomWalkLength must be between 1 and ActiveRandomWalkLength ({ActiveRandomWalkLength}), or no FORWARD_JOIN walk would ever add the joiner to a passive view; it is {PassiveRandomWalkLength}.");
        }

        if (ShuffleActiveCount < 0 || (ActiveViewSize >= 1 && ShuffleActiveCount > ActiveViewSize))
        {
            errors.Add($"ShuffleActiveCount must be between 0 and ActiveViewSize ({ActiveViewSize}); it is {ShuffleActiveCount}.");
        }

        if (ShufflePassiveCount < 0 || (PassiveViewSize >= 1 && ShufflePassiveCount > PassiveViewSize))
        {
            errors.Add($"ShufflePassiveCount must be between 0 and PassiveViewSize ({PassiveViewSize}); it is {ShufflePassiveCount}.");
        }

        Interval(ShuffleInterval, nameof(ShuffleInterval));
        Interval(PromotionInterval, nameof(PromotionInterval));
        Interval(NeighborTimeout, nameof(NeighborTimeout));
        return errors;

        void AtLeastOne(int value, string name)
        {
            if (value < 1)
            {
                errors.Add($"{name} must be at least 1; it is {value}.");
            }
        }

        void Interval(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero || value > MaxInterval)
            {
                errors.Add($"{name} must be more than zero and at most {MaxInterval.TotalDays:0.#} days (a timer's limit); it is {value}.");
            }
        }
    }
}

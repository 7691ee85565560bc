namespace Orleans.Partisan;

/// <summary>
/// Options of Plumtree broadcast (Leitão, Pereira, Rodrigues, "Epidemic Broadcast Trees", SRDS 2007)
/// and of its anti-entropy exchange.
/// </summary>
/// <remarks><see cref="Validate"/> lists every problem, one sentence each.</remarks>
public sealed class PlumtreeOptions
{
    /// <summary>The largest interval a timer accepts (about 49.7 days).</summary>
    private static readonly TimeSpan MaxInterval = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// How often a node sends the IHAVE announcements it queued for its lazy neighbours, one batch per
    /// neighbour and handler (the paper's lazy push policy, §3.6). Default 1 s (Partisan's lazy tick); more than zero.
    /// </summary>
    public TimeSpan LazyTickInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a node waits, after the first IHAVE of a message it does not have, for the message to
    /// arrive by the tree before it sends a GRAFT (the paper's first timer, §3.5). Default 1 s; more than zero.
    /// </summary>
    public TimeSpan GraftTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a node waits after a GRAFT for the message before it grafts the next announcer (the
    /// paper's second timer, shorter than the first, §3.5). Default 500 ms; more than zero and at most <see cref="GraftTimeout"/>.
    /// </summary>
    public TimeSpan SecondGraftTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The tree optimisation (§3.7): when an IHAVE announces a message this node received over a path at
    /// least this many hops longer, the announcer replaces the eager parent. Default 3; 0 turns the optimisation off.
    /// </summary>
    public int OptimizationThreshold { get; set; } = 3;

    /// <summary>
    /// How often a node runs the anti-entropy exchange of every handler with one peer, preferring a
    /// peer outside its own tree (Partisan's exchange tick). Default 10 s; more than zero.
    /// </summary>
    public TimeSpan ExchangeInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a call to a broadcast handler grain may take before it counts as failed (logged and
    /// counted; the tree goes on). Default 10 s; more than zero.
    /// </summary>
    public TimeSpan HandlerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Every problem with these options, one sentence each naming the option and why; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Interval(LazyTickInterval, nameof(LazyTickInterval));
        Interval(GraftTimeout, nameof(GraftTimeout));
        Interval(ExchangeInterval, nameof(ExchangeInterval));
        Interval(HandlerTimeout, nameof(HandlerTimeout));
        if (SecondGraftTimeout <= TimeSpan.Zero || (GraftTimeout > TimeSpan.Zero && SecondGraftTimeout > GraftTimeout))
        {
            errors.Add($"SecondGraftTimeout must be more than zero and at most GraftTimeout ({GraftTimeout}); it is {SecondGraftTimeout}.");
        }

        if (OptimizationThreshold < 0)
        {
            errors.Add($"OptimizationThreshold must be 0 (off) or more; it is {OptimizationThreshold}.");
        }

        return errors;

        void Interval(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero || value > MaxInterval)
            {
                errors.Add($"{name} must be more than zero and at most {MaxInterval.TotalDays:0.#} days (a timer's limit); it is {value}.");
            }
        }
    }
}

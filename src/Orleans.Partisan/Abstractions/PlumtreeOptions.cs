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
    /// How long after queueing its first IHAVE announcement a node sends the batch to its lazy neighbours, one
    /// per neighbour and handler (the paper's lazy push policy, §3.6); no tick runs while nothing is queued.
    /// Also the unit of <see cref="MessageIdRetentionTicks"/>. Default 1 s (Partisan's lazy tick); more than zero.
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

    /// <summary>
    /// How many lazy ticks (<see cref="LazyTickInterval"/>) a node remembers the identity of a message it
    /// delivered, so that a duplicate or an IHAVE of it is recognised without asking the handler, and of a
    /// message it was told about and is still missing, so that it keeps grafting it. An identity forgotten
    /// earlier only costs a question to the handler (<c>IsStale</c>). Identities are forgotten by a tick every
    /// third of this (while any is remembered), so one is kept at least this long and up to a third longer.
    /// Default 30; at least 1.
    /// </summary>
    public int MessageIdRetentionTicks { get; set; } = 30;

    /// <summary>
    /// The most message identities a node remembers at once, delivered and missing apiece (see
    /// <see cref="MessageIdRetentionTicks"/>); the oldest are forgotten first beyond it, so memory stays
    /// bounded under any rate of broadcasts. Default 10,000; at least 16.
    /// </summary>
    public int MaxRememberedMessageIds { get; set; } = 10_000;

    /// <summary>
    /// The most announcements one IHAVE carries: a batch for a neighbour that reaches it is sent at once
    /// instead of at the next lazy tick, so the queue of a tick stays bounded. Default 512; at least 1.
    /// </summary>
    public int MaxAnnouncementsPerIHave { get; set; } = 512;

    /// <summary>
    /// The most broadcast trees (one per root) a node keeps; beyond it the tree used least recently is
    /// forgotten, and rebuilt (every neighbour eager, then pruned) when its root broadcasts again.
    /// Default 1,024; at least 1.
    /// </summary>
    public int MaxTrees { get; set; } = 1024;

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

        AtLeast(MessageIdRetentionTicks, 1, nameof(MessageIdRetentionTicks));
        AtLeast(MaxRememberedMessageIds, 16, nameof(MaxRememberedMessageIds));
        AtLeast(MaxAnnouncementsPerIHave, 1, nameof(MaxAnnouncementsPerIHave));
        AtLeast(MaxTrees, 1, nameof(MaxTrees));

        return errors;

        void Interval(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero || value > MaxInterval)
            {
                errors.Add($"{name} must be more than zero and at most {MaxInterval.TotalDays:0.#} days (a timer's limit); it is {value}.");
            }
        }

        void AtLeast(int value, int min, string name)
        {
            if (value < min)
            {
                errors.Add($"{name} must be at least {min}; it is {value}.");
            }
        }
    }
}

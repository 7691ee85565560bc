namespace Orleans.Partisan.Simulation;

/// <summary>
/// The seed and the network model of a <see cref="Simulator"/>. Every figure is in virtual time.
/// </summary>
internal sealed record SimulationOptions
{
    /// <summary>
    /// The seed of the run. The network's random source, every node's random source and the
    /// scenario's (<see cref="Simulator.Random"/>) are derived from it, so one seed gives one run.
    /// </summary>
    public int Seed { get; init; }

    /// <summary>The least one-way latency of a message, a connection handshake or a failure notice. At least zero.</summary>
    public TimeSpan MinLatency { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>The greatest one-way latency; at least <see cref="MinLatency"/>. Each message draws its own latency uniformly in between.</summary>
    public TimeSpan MaxLatency { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// The probability, in [0, 1), that a message handed to an open connection is lost. Losses are
    /// independent; the messages that do arrive keep their order.
    /// </summary>
    public double LossRate { get; init; }

    /// <summary>
    /// How many messages wait per peer for a connection the core asked for; the oldest is dropped
    /// beyond it. The real driver keeps 16 (<c>PeerServiceDriver.MaxAwaitingPerPeer</c>).
    /// </summary>
    public int MaxWaitingPerPeer { get; init; } = 16;

    /// <summary>
    /// Each timer firing is late by a random extra in [0, <see cref="TimerJitter"/>] (drawn from the
    /// simulator's jitter stream of the node, not the core's source), so that nodes started together drift
    /// apart as real hosts do. Zero keeps every timer exact.
    /// </summary>
    public TimeSpan TimerJitter { get; init; }

    /// <summary>
    /// Whether each node keeps the list of what it observed (<see cref="SimNode.Observed"/>):
    /// connections up and down, membership effects, crashes and restarts.
    /// </summary>
    public bool RecordObservations { get; init; } = true;

    /// <summary>
    /// How many workers run the events, each on its own thread (worker 0 on the caller's), in lock-step
    /// windows of <see cref="MinLatency"/> (<c>Simulator.Loop.cs</c>). Default 1. A run gives the same
    /// events, trace hash and results with any number; more than one needs a positive <see cref="MinLatency"/>
    /// (the lookahead that lets workers run a window apart).
    /// </summary>
    public int Workers { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid figure.</summary>
    public void Validate()
    {
        if (MinLatency < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(MinLatency)} must not be negative (was {MinLatency}).");
        }

        if (MaxLatency < MinLatency)
        {
            throw new ArgumentException($"{nameof(MaxLatency)} ({MaxLatency}) must be at least {nameof(MinLatency)} ({MinLatency}).");
        }

        if (LossRate is < 0 or >= 1 || double.IsNaN(LossRate))
        {
            throw new ArgumentException($"{nameof(LossRate)} must be in [0, 1) (was {LossRate}).");
        }

        if (MaxWaitingPerPeer < 0)
        {
            throw new ArgumentException($"{nameof(MaxWaitingPerPeer)} must not be negative (was {MaxWaitingPerPeer}).");
        }

        if (Workers < 1)
        {
            throw new ArgumentException($"{nameof(Workers)} must be at least 1 (was {Workers}).");
        }

        if (Workers > 1 && MinLatency <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(Workers)} above 1 needs a positive {nameof(MinLatency)}: it is the lookahead of the parallel loop (was {MinLatency}).");
        }

        if (TimerJitter < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(TimerJitter)} must not be negative (was {TimerJitter}).");
        }
    }
}

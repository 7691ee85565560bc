using Orleans.Partisan.Protocols.HyParView;
using Orleans.Partisan.Simulation;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Builds the overlay of the HyParView experiment in the deterministic simulator: the paper's options,
/// nodes joining one after the other through a random node already in, then shuffle rounds until stable.
/// The same settings give the same overlay, so every failure run can build its own.
/// </summary>
internal static class HyParViewExperimentOverlay
{
    /// <summary>The paper's options (DSN 2007 §5.1): the defaults of <see cref="HyParViewOptions"/>.</summary>
    public static readonly HyParViewOptions Options = new();

    /// <summary>The network of the simulation, besides the seed: what the 1,000-node CI tests use.</summary>
    public static readonly SimulationOptions Network = new()
    {
        MinLatency = TimeSpan.FromMilliseconds(1),
        MaxLatency = TimeSpan.FromMilliseconds(10),
        TimerJitter = TimeSpan.FromMilliseconds(500),
        RecordObservations = false,
    };

    /// <summary>One round: a shuffle interval of virtual time, in which every node's periodic timers fire once (the promotion timer ten times).</summary>
    public static TimeSpan Round => Options.ShuffleInterval;

    /// <summary>An empty simulation of HyParView cores with the seed of <paramref name="settings"/>.</summary>
    public static Simulator Create(HyParViewExperimentSettings settings)
        => new(Network with { Seed = settings.Seed, Workers = settings.Workers }, static (spec, random) => new HyParViewCore(spec, Options, random));

    /// <summary>
    /// Adds the nodes one at a time, <see cref="HyParViewExperimentSettings.JoinGap"/> apart: node i
    /// starts and joins through a random node of 0..i-1 (chosen with the scenario's seeded source).
    /// </summary>
    public static void JoinAll(Simulator sim, HyParViewExperimentSettings settings)
    {
        if (sim.Count == 0)
        {
            sim.AddNode();
        }

        while (sim.Count < settings.Nodes)
        {
            var node = sim.AddNode();
            sim.Join(node, sim.Random.Next(node));
            sim.RunFor(settings.JoinGap);
        }
    }

    /// <summary>
    /// Runs <see cref="HyParViewExperimentSettings.StabiliseRounds"/> rounds, then until nothing is in
    /// flight (timers held, as the CI tests do, so the point is quiescent).
    /// </summary>
    public static void Stabilise(Simulator sim, HyParViewExperimentSettings settings)
    {
        sim.RunFor(settings.StabiliseRounds * Round);
        Settle(sim);
    }

    /// <summary>Runs until quiescent, holding the timers (they are out of phase, so a quiescent point needs them to wait).</summary>
    public static void Settle(Simulator sim) => sim.RunUntilQuiescent(holdTimers: true);

    /// <summary>Builds and stabilises the overlay: <see cref="JoinAll"/>, then <see cref="Stabilise"/>.</summary>
    public static Simulator Build(HyParViewExperimentSettings settings)
    {
        var sim = Create(settings);
        JoinAll(sim, settings);
        Stabilise(sim, settings);
        return sim;
    }
}

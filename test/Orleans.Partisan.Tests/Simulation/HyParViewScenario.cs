using Orleans.Partisan.Protocols.HyParView;
using Orleans.Partisan.Simulation;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary>Builds HyParView overlays in the simulator with the paper's options, and checks them.</summary>
internal static class HyParViewScenario
{
    /// <summary>The paper's defaults (DSN 2007 §5.1).</summary>
    public static readonly HyParViewOptions Options = new();

    /// <summary>A shuffle round: the period of the protocol's own repair.</summary>
    public static TimeSpan Round => Options.ShuffleInterval;

    /// <summary>
    /// The invariants of an active view among the live nodes that are in the overlay (not left), with an
    /// open connection to every active neighbour (a node holds connections to its active view).
    /// </summary>
    public static readonly ActiveViewChecker Checker = new(
        Options.ActiveViewSize,
        static core => Names(((HyParViewCore)core).ActiveView),
        static core => Names(((HyParViewCore)core).PassiveView))
    {
        RequireConnections = true,
        Include = static node => !node.CoreAs<HyParViewCore>().HasLeft,
    };

    /// <summary>A simulation of <paramref name="nodes"/> HyParView nodes (none joined yet).</summary>
    public static Simulator Create(int seed, int nodes, double loss = 0)
    {
        var sim = new Simulator(
            new SimulationOptions
            {
                Seed = seed,
                MinLatency = TimeSpan.FromMilliseconds(1),
                MaxLatency = TimeSpan.FromMilliseconds(10),
                LossRate = loss,
                TimerJitter = TimeSpan.FromMilliseconds(500),
                RecordObservations = false,
            },
            static (spec, random) => new HyParViewCore(spec, Options, random));
        sim.AddNodes(nodes);
        return sim;
    }

    /// <summary>Nodes 1..n-1 join one after the other, each through a random node already in, <paramref name="gap"/> apart.</summary>
    public static void JoinAll(Simulator sim, TimeSpan gap)
    {
        for (var i = 1; i < sim.Count; i++)
        {
            sim.Join(i, sim.Random.Next(i));
            sim.RunFor(gap);
        }
    }

    /// <summary>A joined, stable overlay of <paramref name="nodes"/> nodes, checked.</summary>
    public static Simulator Stable(int seed, int nodes, double loss = 0)
    {
        var sim = Create(seed, nodes, loss);
        JoinAll(sim, TimeSpan.FromMilliseconds(20));
        sim.RunFor(2 * Round);
        Settle(sim);
        return sim;
    }

    /// <summary>Runs until quiescent, holding timers (they are out of phase, so a quiescent point needs them to wait).</summary>
    public static void Settle(Simulator sim) => sim.RunUntilQuiescent(maxEvents: 5_000_000, holdTimers: true);

    /// <summary>Settles and checks, naming <paramref name="when"/> on failure.</summary>
    public static ActiveViewReport SettleAndCheck(Simulator sim, string when)
    {
        Settle(sim);
        return Checker.Check(sim, when);
    }

    private static List<NodeName> Names(IReadOnlyCollection<NodeSpec> view)
    {
        var names = new List<NodeName>(view.Count);
        foreach (var spec in view)
        {
            names.Add(spec.Name);
        }

        return names;
    }
}

using Orleans.Partisan.Protocols.Broadcast;
using Orleans.Partisan.Simulation;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary>Broadcast protocols over a simulated HyParView overlay: Plumtree with the default options, and flooding.</summary>
internal static class BroadcastScenario
{
    /// <summary>Plumtree's defaults: lazy tick 1 s, first graft timer 1 s, second 500 ms, exchange every 10 s.</summary>
    public static readonly PlumtreeOptions Options = new();

    /// <summary>A lazy tick.</summary>
    public static TimeSpan LazyTick => Options.LazyTickInterval;

    /// <summary>Adds Plumtree to every node of <paramref name="sim"/>.</summary>
    public static BroadcastProtocol AddPlumtree(Simulator sim, bool exchanges = true)
        => sim.AddBroadcast("plumtree", static (name, random) => new PlumtreeCore(name, Options, random), exchanges);

    /// <summary>Adds eager flooding to every node of <paramref name="sim"/>.</summary>
    public static BroadcastProtocol AddFlood(Simulator sim)
        => sim.AddBroadcast("flood", static (name, random) => new FloodCore(name, Options, random), exchanges: false);

    /// <summary>
    /// Broadcasts from <paramref name="root"/> and runs until every live node delivered it or
    /// <paramref name="maxTicks"/> lazy ticks passed, whichever comes first; returns the ticks it took
    /// (rounded up) or throws naming the nodes that did not deliver.
    /// </summary>
    public static int DeliverToAll(Simulator sim, BroadcastProtocol protocol, int root, int maxTicks, string when)
    {
        var record = sim.Broadcast(root, protocol);
        return AwaitAll(sim, record, maxTicks, when);
    }

    /// <summary>Runs tick by tick until every live node delivered <paramref name="record"/>; the ticks it took, or throws after <paramref name="maxTicks"/>.</summary>
    public static int AwaitAll(Simulator sim, BroadcastRecord record, int maxTicks, string when)
    {
        for (var tick = 0; ; tick++)
        {
            if (record.DeliveredLive(sim) == sim.LiveCount)
            {
                return tick;
            }

            if (tick == maxTicks)
            {
                break;
            }

            sim.RunFor(LazyTick);
        }

        var missing = record.MissingLive(sim);
        throw sim.Failure($"{when}: {missing.Count} of {sim.LiveCount} live nodes had not delivered {record} after {maxTicks} lazy ticks, e.g. {string.Join(", ", missing.Take(10))}");
    }
}

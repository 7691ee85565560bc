using Orleans.Partisan.Protocols.Broadcast;
using Xunit.Abstractions;
using static Orleans.Partisan.Tests.Simulation.BroadcastScenario;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary>
/// <see cref="PlumtreeCore"/> at 1,000 nodes over a stable HyParView overlay (the paper's options, latency
/// 1–10 ms): every node delivers every broadcast, the tree's redundancy falls below 0.1 once it formed
/// (flooding's stays near fanout − 1), and every survivor of a 20 % or 50 % simultaneous crash delivers a
/// message broadcast right after it, within a bounded number of lazy ticks.
/// </summary>
public sealed class PlumtreeSimulationTests(ITestOutputHelper output)
{
    private const int Nodes = 1000;

    /// <summary>
    /// The bound after a crash, in lazy ticks (1 s each): the crash is noticed within a latency, a graft
    /// follows an IHAVE within two ticks and the first timer, a second graft the second timer later,
    /// and a survivor the crash left without any live neighbour is reached by an anti-entropy exchange,
    /// one per node every 10 ticks, each with a random member of its views (half of them dead at 50 %).
    /// Three exchange rounds are allowed.
    /// </summary>
    private const int CrashBoundTicks = 30;

    /// <summary>
    /// The bound for the first broadcast once the overlay healed, without exchanges: links that HyParView
    /// replaced are repaired by IHAVE (next tick), the first timer (1 tick) and at most a few second timers.
    /// </summary>
    private const int HealedBoundTicks = 4;

    /// <summary>The bound in steady state: the tree delivers within a few dozen milliseconds; one tick is plenty.</summary>
    private const int SteadyBoundTicks = 1;

    [Fact]
    public void Every_node_delivers_and_redundancy_falls_below_a_tenth_once_the_tree_formed_while_flooding_stays_near_fanout() => SimulationRun.WithSeed(output, 401, seed =>
    {
        var sim = HyParViewScenario.Stable(seed, Nodes);
        var plumtree = AddPlumtree(sim, exchanges: false);
        var flood = AddFlood(sim);
        const int root = 0;

        // Warm-up: the first broadcasts of a root prune the redundant links of its tree.
        for (var i = 0; i < 4; i++)
        {
            DeliverToAll(sim, plumtree, root, SteadyBoundTicks, $"warm-up broadcast {i}");
            sim.RunFor(2 * LazyTick);
        }

        for (var i = 0; i < 3; i++)
        {
            var tree = sim.Broadcast(root, plumtree);
            var flooded = sim.Broadcast(root, flood);
            var ticks = AwaitAll(sim, tree, SteadyBoundTicks, $"steady broadcast {i}");
            AwaitAll(sim, flooded, SteadyBoundTicks, $"steady flood {i}");
            output.WriteLine($"plumtree {tree} (all within {ticks} tick); flood {flooded}");
            Assert.True(tree.Rmr < 0.1, $"Plumtree's RMR once the tree formed is {tree.Rmr:0.###} (m={tree.PayloadMessages}), expected below 0.1 (seed={seed})");
            Assert.True(flooded.Rmr > 2, $"flooding's RMR is {flooded.Rmr:0.###}, expected near fanout - 1 (seed={seed})");
            Assert.Equal(0, tree.ExchangeDeliveries);
            sim.RunFor(2 * LazyTick);
        }

        // Other roots: their first broadcast builds their own tree, and reaches everyone too.
        foreach (var other in new[] { 17, 503, 999 })
        {
            DeliverToAll(sim, plumtree, other, SteadyBoundTicks, $"first broadcast of root {other}");
        }

        output.WriteLine($"plumtree {plumtree.Counters}; flood {flood.Counters}; {sim.Counters}");
    });

    [Theory]
    [InlineData(0.2, 402)]
    [InlineData(0.5, 403)]
    public void Every_survivor_of_a_simultaneous_crash_delivers_a_broadcast_made_right_after_it_within_the_bound(double fraction, int seed) => SimulationRun.WithSeed(output, seed, seed =>
    {
        var sim = HyParViewScenario.Stable(seed, Nodes);
        var plumtree = AddPlumtree(sim);
        for (var i = 0; i < 3; i++)
        {
            DeliverToAll(sim, plumtree, 0, SteadyBoundTicks, $"warm-up broadcast {i}");
            sim.RunFor(2 * LazyTick);
        }

        var crashed = sim.CrashMany(fraction);
        var root = sim.Live.First().Index;
        var record = sim.Broadcast(root, plumtree);
        var ticks = AwaitAll(sim, record, CrashBoundTicks, $"{fraction:P0} crashed, broadcast right after");
        output.WriteLine($"{fraction:P0} crashed ({crashed.Length}): every survivor delivered within {ticks} lazy ticks: {record}");

        // Once the overlay healed, the trees alone (exchanges off) deliver again: a few repairs, then none.
        plumtree.Exchanges = false;
        sim.RunFor(3 * HyParViewScenario.Round);
        var healed = sim.Broadcast(root, plumtree);
        AwaitAll(sim, healed, HealedBoundTicks, $"{fraction:P0} crashed, first broadcast after healing");
        sim.RunFor(2 * LazyTick);
        var steady = sim.Broadcast(root, plumtree);
        AwaitAll(sim, steady, SteadyBoundTicks, $"{fraction:P0} crashed, second broadcast after healing");
        output.WriteLine($"after healing: {healed}; then {steady}; {plumtree.Counters}");
    });

    [Fact]
    public void A_partitioned_side_catches_up_by_exchange_after_the_partition_heals() => SimulationRun.WithSeed(output, 404, seed =>
    {
        var sim = HyParViewScenario.Stable(seed, 200);
        var plumtree = AddPlumtree(sim);
        var side = Enumerable.Range(150, 50).ToList();
        sim.Partition(side);
        sim.RunFor(2 * LazyTick);

        var record = sim.Broadcast(0, plumtree);
        sim.RunFor(5 * LazyTick);
        Assert.All(side, node => Assert.False(record.DeliveredAt(node), $"node {node} delivered across the partition (seed={seed})"));

        sim.Heal();
        var ticks = AwaitAll(sim, record, CrashBoundTicks, "after the partition healed");
        output.WriteLine($"caught up within {ticks} lazy ticks: {record}; {plumtree.Counters}");
        Assert.True(record.ExchangeDeliveries > 0, $"no node caught up by exchange: {record}");
    });

    [Fact]
    public void One_seed_gives_one_broadcast_run()
    {
        (ulong Hash, string Counters) Run()
        {
            var sim = HyParViewScenario.Create(405, 80, loss: 0.02);
            HyParViewScenario.JoinAll(sim, TimeSpan.FromMilliseconds(20));
            var plumtree = AddPlumtree(sim);
            sim.RunFor(HyParViewScenario.Round);
            for (var i = 0; i < 5; i++)
            {
                sim.Broadcast(sim.Random.Next(80), plumtree);
                sim.RunFor(3 * LazyTick);
            }

            sim.CrashMany(0.3);
            sim.Broadcast(sim.Live.First().Index, plumtree);
            sim.RunFor(HyParViewScenario.Round);
            return (sim.TraceHash, $"{plumtree.Counters} {sim.Counters}");
        }

        var first = Run();
        var second = Run();
        output.WriteLine($"trace hash {first.Hash:x16}: {first.Counters}");
        Assert.Equal(first, second);
        Assert.Contains("graft=", first.Counters);
    }
}

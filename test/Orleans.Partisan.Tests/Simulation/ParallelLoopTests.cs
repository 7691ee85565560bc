using Orleans.Partisan.Protocols.HyParView;
using Orleans.Partisan.Simulation;
using Xunit.Abstractions;
using SimHash = Orleans.Partisan.Simulation.StableHash;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary>
/// The parallel event loop (issue 14): a run gives the same events, trace, counters and broadcast results with one
/// worker and with two, because each node's events, draws and tokens are its own and are ordered by a key that
/// does not name the worker.
/// </summary>
public sealed class ParallelLoopTests(ITestOutputHelper output)
{
    private sealed record Outcome(ulong TraceHash, long Steps, long Traced, ulong TraceOrder, string Counters, string Broadcasts, long Windows, TimeSpan Now, int Live);

    /// <summary>
    /// HyParView and Plumtree (exchanges carried out) on 300 nodes with 1 % loss: joins, broadcasts, a crash of a
    /// fifth of the nodes, a partition, a heal, a restart, and a quiescent point with timers held.
    /// </summary>
    private static (Outcome Outcome, long Exchanges, long Broken) Run(int seed, int workers)
    {
        var sim = new Simulator(
            new SimulationOptions
            {
                Seed = seed,
                MinLatency = TimeSpan.FromMilliseconds(1),
                MaxLatency = TimeSpan.FromMilliseconds(10),
                LossRate = 0.01,
                TimerJitter = TimeSpan.FromMilliseconds(500),
                RecordObservations = false,
                Workers = workers,
            },
            static (spec, random) => new HyParViewCore(spec, HyParViewScenario.Options, random));
        long traced = 0;
        var order = SimHash.Initial;
        sim.OnTrace = e =>
        {
            traced++;
            order = SimHash.Add(order, e.At.Ticks ^ ((long)e.Kind << 56) ^ ((long)e.Node << 36) ^ ((long)e.Peer << 16));
        };

        sim.AddNodes(300);
        HyParViewScenario.JoinAll(sim, TimeSpan.FromMilliseconds(20));
        var plumtree = BroadcastScenario.AddPlumtree(sim);
        sim.RunFor(HyParViewScenario.Round);
        for (var i = 0; i < 4; i++)
        {
            sim.Broadcast(sim.Random.Next(sim.Count), plumtree);
            sim.RunFor(3 * BroadcastScenario.LazyTick);
        }

        var crashed = sim.CrashMany(0.2);
        sim.Broadcast(sim.Live.First().Index, plumtree);
        sim.RunFor(HyParViewScenario.Round);
        sim.Partition(Enumerable.Range(0, 60));
        sim.Broadcast(sim.Live.Last().Index, plumtree);
        sim.RunFor(HyParViewScenario.Round);
        sim.Heal();
        sim.Restart(crashed[0]);
        sim.Join(crashed[0], sim.Live.First().Index);
        sim.RunFor(2 * HyParViewScenario.Round);
        HyParViewScenario.Settle(sim);

        var broadcasts = string.Join(
            "; ",
            plumtree.Broadcasts.Select(r => $"{r.Deliveries}/{r.DeliveredLive(sim)} by exchange {r.ExchangeDeliveries}, m={r.PayloadMessages}, grafts {r.Grafts}, hop {r.LastDeliveryHop} at {r.LastDeliveryAt.Ticks}"));
        var outcome = new Outcome(sim.TraceHash, sim.Steps, traced, order, $"{sim.Counters} | {plumtree.Counters}", broadcasts, sim.Windows, sim.Now, sim.LiveCount);
        return (outcome, plumtree.Counters.Exchanges, sim.Counters.Dropped(DropReason.Broken));
    }

    [Fact]
    public void One_and_two_workers_give_the_same_run() => SimulationRun.WithSeed(output, 1401, seed =>
    {
        var one = Run(seed, workers: 1);
        var two = Run(seed, workers: 2);
        output.WriteLine($"1 worker:  {one.Outcome}");
        output.WriteLine($"2 workers: {two.Outcome}");

        Assert.True(one.Outcome.Steps > 50_000, $"only {one.Outcome.Steps} events: the scenario is too small to exercise the loop (seed={seed})");
        Assert.True(one.Exchanges > 0, $"no anti-entropy exchange completed, so no barrier event ran (seed={seed})");
        Assert.True(one.Broken > 0, $"no message was lost on a broken link, so no crash or cut reached a message in flight (seed={seed})");
        Assert.Equal(one, two);
    });

    [Fact]
    public void Two_workers_replay_their_run() => SimulationRun.WithSeed(output, 1402, seed =>
    {
        var first = Run(seed, workers: 2);
        var second = Run(seed, workers: 2);

        Assert.Equal(first, second);
    });

    [Fact]
    public void More_than_one_worker_needs_a_positive_least_latency()
    {
        var options = new SimulationOptions { Seed = 1, MinLatency = TimeSpan.Zero, Workers = 2 };

        var failure = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("MinLatency", failure.Message);
        Assert.Throws<ArgumentException>(new SimulationOptions { Workers = 0 }.Validate);
    }
}

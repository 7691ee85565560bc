using Orleans.Partisan.Protocols.FullMesh;
using Orleans.Partisan.Simulation;
using Xunit.Abstractions;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary>One seed gives one run: every delivered message, connection event and timer, in the same order at the same virtual time.</summary>
public sealed class DeterminismTests(ITestOutputHelper output)
{
    private sealed record Run(ulong Hash, long Steps, string Counters, List<string> Trace);

    /// <summary>A run with everything that draws from a random source: latency, loss, timer jitter, victims, joins.</summary>
    private static Run Scenario(int seed)
    {
        var sim = new Simulator(
            new SimulationOptions
            {
                Seed = seed,
                MinLatency = TimeSpan.FromMilliseconds(1),
                MaxLatency = TimeSpan.FromMilliseconds(40),
                LossRate = 0.05,
                TimerJitter = TimeSpan.FromSeconds(1),
            },
            static (spec, _) => new FullMeshCore(spec, TimeSpan.FromSeconds(5)));
        var trace = new List<string>();
        sim.OnTrace = e => trace.Add($"{e.At.Ticks} {e.Kind} {e.Node} {e.Peer} {e.Payload?.GetType().Name}");
        sim.AddNodes(24);
        for (var i = 1; i < 24; i++)
        {
            sim.Join(i, sim.Random.Next(i));
            sim.RunFor(TimeSpan.FromMilliseconds(sim.Random.Next(0, 50)));
        }

        sim.RunFor(TimeSpan.FromSeconds(10));
        var crashed = sim.CrashMany(0.25);
        sim.RunFor(TimeSpan.FromSeconds(5));
        sim.Partition(Enumerable.Range(0, 12));
        sim.RunFor(TimeSpan.FromSeconds(10));
        sim.Restart(crashed[0]);
        sim.Join(crashed[0], 0);
        sim.Heal();
        sim.RunFor(TimeSpan.FromSeconds(20));
        return new Run(sim.TraceHash, sim.Steps, sim.Counters.ToString(), trace);
    }

    [Fact]
    public void The_same_seed_gives_the_same_run() => SimulationRun.WithSeed(output, 201, seed =>
    {
        var first = Scenario(seed);
        var second = Scenario(seed);
        output.WriteLine($"trace hash {first.Hash:x16}, {first.Steps} steps, {first.Counters}");

        Assert.True(first.Trace.Count > 1000, $"only {first.Trace.Count} steps traced");
        Assert.Equal(first.Trace, second.Trace);
        Assert.Equal(first.Hash, second.Hash);
        Assert.Equal(first.Steps, second.Steps);
        Assert.Equal(first.Counters, second.Counters);
    });

    [Fact]
    public void Another_seed_gives_another_run() => SimulationRun.WithSeed(output, 202, seed =>
    {
        var first = Scenario(seed);
        var other = Scenario(seed + 1);

        Assert.NotEqual(first.Hash, other.Hash);
        Assert.NotEqual(first.Trace, other.Trace);
    });

    [Fact]
    public void A_failure_names_its_seed()
    {
        var sim = new Simulator(new SimulationOptions { Seed = 4242 }, static (spec, _) => new FullMeshCore(spec, TimeSpan.FromSeconds(1)));
        sim.AddNodes(3);
        sim.Join(1, 0);
        sim.Join(2, 0);
        var notQuiescent = Assert.Throws<SimulationException>(() => sim.RunUntilQuiescent(maxEvents: 1));
        Assert.Contains("seed=4242", notQuiescent.Message);

        var wrapped = Assert.Throws<SimulationException>(() => SimulationSeeds.Run(77, _ => { }, _ => Assert.Fail("boom")));
        Assert.Contains("seed=77", wrapped.Message);
        Assert.Contains("boom", wrapped.Message);
    }
}

using Orleans.Partisan.Protocols.HyParView;
using Orleans.Partisan.Simulation;
using Xunit.Abstractions;
using static Orleans.Partisan.Tests.Simulation.HyParViewScenario;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary>
/// <see cref="HyParViewCore"/> at 1,000 nodes with the paper's options: the active-view invariants
/// (symmetric, within bounds, one connected component, connections to neighbours) after joins,
/// mass failures, loss, a partition and random churn.
/// </summary>
public sealed class HyParViewSimulationTests(ITestOutputHelper output)
{
    private const int Nodes = 1000;

    private void Report(Simulator sim, ActiveViewReport report, string when)
        => output.WriteLine($"{when} at {sim.Now}: {report.Summary}; {sim.Steps} steps; {sim.Counters}");

    [Fact]
    public void Invariants_hold_after_joins() => SimulationRun.WithSeed(output, 301, seed =>
    {
        var sim = Create(seed, Nodes);
        JoinAll(sim, TimeSpan.FromMilliseconds(20));
        var joined = SettleAndCheck(sim, "right after the joins");
        Report(sim, joined, "joined");

        sim.RunFor(3 * Round);
        var report = SettleAndCheck(sim, "after three shuffle rounds");
        Report(sim, report, "stable");
        Assert.True(report.MeanActive >= Options.MinActiveViewSize, report.Summary);
    });

    [Theory]
    [InlineData(0.5, 302)]
    [InlineData(0.8, 303)]
    public void Invariants_hold_among_survivors_after_simultaneous_failures_and_healing_rounds(double fraction, int seed) => SimulationRun.WithSeed(output, seed, seed =>
    {
        var sim = Stable(seed, Nodes);
        var crashed = sim.CrashMany(fraction);
        Assert.Equal((int)(fraction * Nodes), crashed.Length);

        sim.RunFor(3 * Round);
        var report = SettleAndCheck(sim, $"{fraction:P0} crashed, after three rounds");
        Report(sim, report, $"{fraction:P0} crashed");
        Assert.Equal(Nodes - crashed.Length, report.Nodes);
    });

    [Fact]
    public void Invariants_hold_for_an_overlay_built_and_run_under_five_percent_loss() => SimulationRun.WithSeed(output, 304, seed =>
    {
        var sim = Create(seed, Nodes, loss: 0.05);
        JoinAll(sim, TimeSpan.FromMilliseconds(20));
        sim.RunFor(5 * Round);
        var lost = sim.Counters.Dropped(DropReason.Loss);
        Assert.True(lost > 1000, $"only {lost} messages lost");

        // What loss leaves behind (a lost DISCONNECT, an unanswered request) the protocol repairs in its
        // own rounds: keep-alives, timeouts, promotion. The check comes once the loss stops and they ran.
        sim.LossRate = 0;
        sim.RunFor(2 * Round);
        var report = SettleAndCheck(sim, "built under 5 % loss, two rounds after it stopped");
        Report(sim, report, "5 % loss");
    });

    [Fact]
    public void Invariants_hold_after_a_partition_heals() => SimulationRun.WithSeed(output, 305, seed =>
    {
        var sim = Stable(seed, Nodes);
        var side = Enumerable.Range(0, Nodes).Where(_ => sim.Random.NextDouble() < 0.3).ToList();
        sim.Partition(side);
        sim.RunFor(2 * Round);
        Settle(sim);
        var during = Checker.Inspect(sim);
        Report(sim, during, "partitioned");

        sim.Heal();
        sim.RunFor(3 * Round);
        var report = SettleAndCheck(sim, "three rounds after the partition healed");
        Report(sim, report, "healed");
    });

    [Fact]
    public void Invariants_hold_at_every_quiescent_point_under_random_churn() => SimulationRun.WithSeed(output, 306, seed =>
    {
        var sim = Stable(seed, Nodes);
        for (var step = 0; step < 8; step++)
        {
            var live = sim.Live.Where(n => !n.CoreAs<HyParViewCore>().HasLeft).Select(n => n.Index).ToList();
            int Any() => live[sim.Random.Next(live.Count)];
            var dead = sim.Nodes.Where(n => !n.Alive).Select(n => n.Index).ToList();
            var crashes = sim.Random.Next(0, 50);
            for (var i = 0; i < crashes; i++)
            {
                var victim = Any();
                if (sim[victim].Alive)
                {
                    sim.Crash(victim);
                }
            }

            live.RemoveAll(i => !sim[i].Alive);
            for (var i = sim.Random.Next(0, 10); i > 0; i--)
            {
                sim.Leave(Any());
            }

            live.RemoveAll(i => sim[i].CoreAs<HyParViewCore>().HasLeft);
            foreach (var restarted in dead.Where(_ => sim.Random.Next(3) == 0))
            {
                var node = sim.Random.Next(2) == 0 ? restarted : sim.Restart(restarted, $"{sim[restarted].Name}.{step}");
                if (node == restarted)
                {
                    sim.Restart(restarted);
                }

                sim.Join(node, Any());
            }

            for (var i = sim.Random.Next(0, 20); i > 0; i--)
            {
                sim.Join(sim.AddNode(), Any());
            }

            sim.RunFor(TimeSpan.FromSeconds(sim.Random.Next(5, 30)));
            var report = SettleAndCheck(sim, $"after churn step {step}");
            Report(sim, report, $"churn step {step}");
        }
    });
}

using Orleans.Partisan.Simulation;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary>The active-view checker finds each kind of violation, on views set by hand.</summary>
public sealed class ActiveViewCheckerTests
{
    private static readonly ActiveViewChecker Checker = new(
        maxActive: 3,
        activeView: core => ((ProbeCore)core).ActiveView,
        passiveView: core => ((ProbeCore)core).PassiveView);

    private static Simulator Ring(int count)
    {
        var sim = SimulationRun.Probes(count, new SimulationOptions { Seed = 31 });
        for (var i = 0; i < count; i++)
        {
            sim.Probe(i).ActiveView.Add(sim[(i + 1) % count].Name);
            sim.Probe(i).ActiveView.Add(sim[(i + count - 1) % count].Name);
        }

        return sim;
    }

    [Fact]
    public void A_symmetric_connected_ring_holds()
    {
        var report = Checker.Check(Ring(6));
        Assert.True(report.Holds);
        Assert.Equal((6, 2, 2, 2.0, 1, 6), (report.Nodes, report.MinActive, report.MaxActive, report.MeanActive, report.Components, report.LargestComponent));
    }

    [Fact]
    public void Each_kind_of_violation_is_reported()
    {
        var sim = Ring(8);
        sim.Probe(0).ActiveView.Add(sim[0].Name);                 // self
        sim.Probe(2).ActiveView.Add(sim[1].Name);                 // duplicate
        sim.Probe(4).ActiveView.Add(sim[6].Name);                 // asymmetric, and 4 has 3 entries: allowed
        sim.Probe(5).PassiveView.Add(sim[4].Name);                // active and passive
        sim.Probe(6).ActiveView.AddRange([sim[2].Name, sim[3].Name]); // 4 entries, and asymmetric

        var report = Checker.Inspect(sim);
        var all = string.Join("\n", report.Violations);
        Assert.Contains("n0 has itself", all);
        Assert.Contains("n2 has n1 twice", all);
        Assert.Contains("n4 has n6 in its active view but not the reverse", all);
        Assert.Contains("n5 has n4 in both its active and its passive view", all);
        Assert.Contains("n6 has 4 active neighbours, more than 3", all);
    }

    [Fact]
    public void Two_components_an_empty_view_and_a_dead_neighbour_are_reported_with_the_seed()
    {
        var sim = SimulationRun.Probes(5, new SimulationOptions { Seed = 32 });
        void Link(int a, int b)
        {
            sim.Probe(a).ActiveView.Add(sim[b].Name);
            sim.Probe(b).ActiveView.Add(sim[a].Name);
        }

        Link(0, 1);
        Link(2, 3);
        Link(3, 4);
        sim.Crash(4);

        var failure = Assert.Throws<InvariantViolationException>(() => Checker.Check(sim, "after the test's setup"));
        Assert.Contains("seed=32", failure.Message);
        Assert.Contains("after the test's setup", failure.Message);
        Assert.Contains("n3 has n4 in its active view, which is not a live node", failure.Message);
        Assert.Contains("2 components (largest 2 of 4 nodes)", failure.Message);

        sim.Probe(2).ActiveView.Clear();
        sim.Probe(3).ActiveView.Clear();
        Assert.Contains("n2 has an empty active view", string.Join("\n", Checker.Inspect(sim).Violations));
    }

    [Fact]
    public void Connections_are_required_when_asked()
    {
        var sim = Ring(4);
        var strict = new ActiveViewChecker(3, core => ((ProbeCore)core).ActiveView) { RequireConnections = true };
        Assert.Contains("n0 has n1 in its active view but no open connection to it", strict.Inspect(sim).Violations);

        for (var i = 0; i < 4; i++)
        {
            sim.Do(i, sim.ConnectTo((i + 1) % 4), sim.ConnectTo((i + 3) % 4));
        }

        sim.RunUntilQuiescent();
        Assert.True(strict.Check(sim).Holds);
    }

    [Fact]
    public void At_most_ten_violations_are_listed_and_all_are_counted()
    {
        var sim = SimulationRun.Probes(30, new SimulationOptions { Seed = 33 });
        var report = Checker.Inspect(sim);
        Assert.Equal(ActiveViewChecker.MaxListed, report.Violations.Count);
        Assert.Equal(31, report.ViolationCount);
        Assert.Contains("and 21 more", report.ToString());
    }
}

using Orleans.Partisan.Protocols.Static;
using Orleans.Partisan.Simulation;
using Xunit.Abstractions;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary>
/// <see cref="StaticCore"/> in the simulator: eight listed nodes connect to each other with no join at all, partitions
/// heal by reconnection, and a node restarted under a new name at its listed endpoint replaces the old one everywhere.
/// </summary>
public sealed class StaticSimulationTests(ITestOutputHelper output)
{
    private const int Nodes = 8;
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(10);

    private static Simulator Static(int seed)
    {
        var listed = Enumerable.Range(0, Nodes).Select(i => Simulator.SpecFor(i, "listed").ListenAddresses[0].ToString()).ToList();
        var sim = new Simulator(
            new SimulationOptions { Seed = seed, MinLatency = TimeSpan.FromMilliseconds(1), MaxLatency = TimeSpan.FromMilliseconds(20) },
            (spec, random) => new StaticCore(spec, listed, Retry, MaxRetry, random));
        sim.AddNodes(Nodes);
        return sim;
    }

    private static void AssertFullyConnected(Simulator sim, string when)
    {
        var live = sim.Live.ToList();
        var names = live.Select(n => n.Name.Value).Order().ToList();
        foreach (var node in live)
        {
            Assert.True(names.SequenceEqual(node.Core.Members.Select(m => m.Name.Value).Order()), $"{when}: {node} has members [{string.Join(",", node.Core.Members.Select(m => m.Name))}] (seed={sim.Seed})");
            Assert.All(live.Where(p => p != node), p => Assert.True(sim.IsConnected(node.Index, p.Index), $"{when}: {node} -> {p} is not connected (seed={sim.Seed})"));
        }
    }

    [Fact]
    public void Listed_nodes_connect_to_each_other_without_any_join() => SimulationRun.WithSeed(output, 401, seed =>
    {
        var sim = Static(seed);
        sim.RunFor(TimeSpan.FromSeconds(1));
        AssertFullyConnected(sim, "one second after start");
    });

    [Fact]
    public void A_partition_heals_by_reconnection_however_long_it_lasted() => SimulationRun.WithSeed(output, 402, seed =>
    {
        var sim = Static(seed);
        sim.RunFor(TimeSpan.FromSeconds(1));
        sim.Partition([0, 1, 2]);
        sim.RunFor(TimeSpan.FromMinutes(10));

        // Each side is whole on its own, and the members across stay listed (static members are never removed).
        foreach (var node in sim.Live)
        {
            Assert.Equal(Nodes, node.Core.Members.Count);
            Assert.Equal(node.Index < 3 ? 2 : 4, node.ConnectedPeers().Count);
        }

        sim.Heal();
        sim.RunFor(MaxRetry + TimeSpan.FromSeconds(1));
        AssertFullyConnected(sim, "after the partition healed");
    });

    [Fact]
    public void A_node_restarted_under_a_new_name_at_its_endpoint_replaces_the_old_one_everywhere() => SimulationRun.WithSeed(output, 403, seed =>
    {
        var sim = Static(seed);
        sim.RunFor(TimeSpan.FromSeconds(1));
        var old = sim[4].Name;
        sim.Crash(4);
        sim.RunFor(TimeSpan.FromSeconds(30));
        var restarted = sim.RestartAt(4, "n4-again");
        sim.RunFor(MaxRetry + TimeSpan.FromSeconds(1));

        AssertFullyConnected(sim, "after n4 restarted as n4-again");
        Assert.All(sim.Live, n => Assert.DoesNotContain(n.Core.Members, m => m.Name == old));
        Assert.All(sim.Live.Where(n => n.Index != restarted), n => Assert.Contains(n.ObservedOf(ObservedKind.MemberLeft), o => o.Peer == old));
    });
}

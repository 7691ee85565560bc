using Orleans.Partisan.Protocols.FullMesh;
using Orleans.Partisan.Simulation;
using Xunit.Abstractions;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary><see cref="FullMeshCore"/> in the simulator: convergence, crashes, partitions.</summary>
public sealed class FullMeshSimulationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan GossipInterval = TimeSpan.FromSeconds(10);

    private static Simulator FullMesh(int seed, int nodes, double loss = 0)
    {
        var sim = new Simulator(
            new SimulationOptions { Seed = seed, MinLatency = TimeSpan.FromMilliseconds(1), MaxLatency = TimeSpan.FromMilliseconds(20), LossRate = loss },
            static (spec, _) => new FullMeshCore(spec, GossipInterval));
        sim.AddNodes(nodes);
        return sim;
    }

    /// <summary>Every node joins through a random node that joined before it.</summary>
    private static void JoinAll(Simulator sim, int count)
    {
        for (var i = 1; i < count; i++)
        {
            sim.Join(i, sim.Random.Next(i));
        }
    }

    private static void AssertFullMesh(Simulator sim, IReadOnlyCollection<int> members)
    {
        var expected = members.Select(i => sim[i].Name.Value).Order().ToList();
        foreach (var i in members)
        {
            Assert.True(
                expected.SequenceEqual(sim[i].Core.Members.Select(m => m.Name.Value).Order()),
                $"{sim[i].Name} knows [{string.Join(",", sim[i].Core.Members.Select(m => m.Name.Value).Order())}] (seed={sim.Seed})");
            foreach (var j in members)
            {
                Assert.True(i == j || sim.IsConnected(i, j), $"{sim[i].Name} is not connected to {sim[j].Name} (seed={sim.Seed})");
            }
        }
    }

    [Fact]
    public void Thirty_nodes_converge_to_full_membership_and_full_connection() => SimulationRun.WithSeed(output, 101, seed =>
    {
        var sim = FullMesh(seed, 30);
        JoinAll(sim, 30);
        sim.RunUntilQuiescent();

        AssertFullMesh(sim, Enumerable.Range(0, 30).ToList());
        Assert.All(sim.Nodes, n => Assert.Equal(29, n.ObservedOf(ObservedKind.MemberJoined).Select(o => o.Peer).Distinct().Count()));
        Assert.True(sim.Now < GossipInterval, "joins converge without waiting for a gossip round");
        output.WriteLine($"converged at {sim.Now}: {sim.Counters}");
    });

    [Fact]
    public void Survivors_of_a_crash_see_PeerDown_then_converge_once_the_dead_are_removed() => SimulationRun.WithSeed(output, 102, seed =>
    {
        var sim = FullMesh(seed, 30);
        JoinAll(sim, 30);
        sim.RunUntilQuiescent();
        var crashed = sim.CrashMany(5.0 / 30);
        Assert.Equal(5, crashed.Length);
        sim.RunUntilQuiescent();

        var survivors = sim.Live.Select(n => n.Index).ToList();
        var crashedNames = crashed.Select(i => sim[i].Name).ToHashSet();
        foreach (var i in survivors)
        {
            Assert.Equal(crashedNames, sim[i].ObservedOf(ObservedKind.PeerDown).Select(o => o.Peer).ToHashSet());
            Assert.All(crashed, c => Assert.False(sim.IsConnected(i, c)));
        }

        // The full mesh has no failure detector: the dead stay members (and are redialled) until removed.
        sim.RunFor(3 * GossipInterval);
        Assert.All(survivors, i => Assert.Equal(30, sim[i].Core.Members.Count));
        foreach (var c in crashed)
        {
            sim.Remove(survivors[0], sim[c].Name);
        }

        sim.RunUntilQuiescent();
        AssertFullMesh(sim, survivors);
    });

    [Fact]
    public void A_partition_heals_into_one_mesh_with_what_changed_on_each_side() => SimulationRun.WithSeed(output, 103, seed =>
    {
        var sim = FullMesh(seed, 30);
        JoinAll(sim, 30);
        sim.RunUntilQuiescent();
        var newcomer = sim.AddNode();
        var sideA = Enumerable.Range(0, 15).Append(newcomer).ToList();
        sim.Partition(sideA);
        sim.RunUntilQuiescent();
        Assert.All(Enumerable.Range(0, 15), i => Assert.Equal(15, sim[i].ObservedOf(ObservedKind.PeerDown).Count()));

        // Each side changes: a node joins side A, a node of side B leaves.
        sim.Join(newcomer, 3);
        sim.Leave(20);
        sim.RunFor(2 * GossipInterval);
        Assert.Contains(sim[newcomer].Spec, sim[0].Core.Members);
        Assert.DoesNotContain(sim[newcomer].Spec, sim[16].Core.Members);
        Assert.Contains(sim[20].Spec, sim[0].Core.Members);

        sim.Heal();
        sim.RunFor(2 * GossipInterval);
        sim.RunUntilQuiescent();
        var members = Enumerable.Range(0, 31).Where(i => i != 20).ToList();
        AssertFullMesh(sim, members);
        Assert.All(members, i => Assert.False(sim.IsConnected(i, 20)));
    });

    [Fact]
    public void A_restart_under_a_new_name_joins_as_a_new_member() => SimulationRun.WithSeed(output, 104, seed =>
    {
        var sim = FullMesh(seed, 10, loss: 0.02);
        JoinAll(sim, 10);
        sim.RunFor(3 * GossipInterval);
        sim.RunUntilQuiescent();
        var renamed = sim.Restart(4, "n4-2");
        sim.Join(renamed, 0);
        sim.Remove(0, sim[4].Name);
        sim.RunFor(3 * GossipInterval);
        sim.RunUntilQuiescent();

        AssertFullMesh(sim, Enumerable.Range(0, 11).Where(i => i != 4).ToList());
    });
}

using Orleans.Partisan.Testing;
using ReplicatedKeyValue;

namespace Orleans.Partisan.ClusterTests;

/// <summary>Anti-entropy: silos that missed broadcasts catch up through their handlers' exchange.</summary>
public sealed class BroadcastCatchUpTests
{
    [Fact]
    public async Task A_silo_cut_off_from_the_tree_and_a_silo_started_later_catch_up_through_exchange()
    {
        await using var cluster = await PartisanCluster.StartAsync(
            4,
            o =>
            {
                o.Plumtree.LazyTickInterval = TimeSpan.FromMilliseconds(200);
                o.Plumtree.GraftTimeout = TimeSpan.FromMilliseconds(400);
                o.Plumtree.SecondGraftTimeout = TimeSpan.FromMilliseconds(200);
                o.Plumtree.ExchangeInterval = TimeSpan.FromMilliseconds(500);
            },
            silo => silo.AddPartisanBroadcastHandler<IReplicatedKeyValue>().AddPartisanFaultInjection());
        await cluster.WaitForConvergedAsync();
        var nodes = cluster.Nodes;
        var cutOff = nodes[3];
        var expected = new Dictionary<string, string>();

        // Cut one silo off the overlay: every broadcast message to or from it is lost, so the tree cannot reach it.
        using (cluster.Cluster.PartisanFaults().Partition([cutOff.Name], nodes.Take(3).Select(n => n.Name)))
        {
            for (var i = 0; i < 5; i++)
            {
                expected[$"k{i}"] = $"v{i}";
                Assert.True(await nodes[i % 3].BroadcastAsync<IReplicatedKeyValue>(new KeyValueWrite($"k{i}", $"v{i}")));
            }

            // The handlers' exchange (a grain call, beside the overlay) brings the cut-off silo every write.
            await BroadcastAssert.ConvergedAsync(cluster, expected);
            var stats = cutOff.GetBroadcastStatistics();
            Assert.Equal(0, stats.GossipReceived);
            Assert.Equal(0, stats.Delivered);
        }

        // Healed: the tree reaches it again.
        expected["after"] = "heal";
        Assert.True(await nodes[0].BroadcastAsync<IReplicatedKeyValue>(new KeyValueWrite("after", "heal")));
        await BroadcastAssert.ConvergedAsync(cluster, expected);
        await Eventually.Until(() => cutOff.GetBroadcastStatistics().GossipReceived >= 1, PartisanCluster.Timeout, () => $"the healed silo receiving the new write over the tree; statistics {cutOff.GetBroadcastStatistics()}");

        // A silo that starts now missed every broadcast: only the exchange can bring them.
        var late = await cluster.Cluster.StartAdditionalSiloAsync();
        await BroadcastAssert.ConvergedAsync(cluster, [late.SiloAddress], expected);
        Assert.Equal(0, cluster.Node(late).GetBroadcastStatistics().Delivered);
    }
}

using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.FullMesh;

namespace Orleans.Partisan.Tests.Protocols;

/// <summary>
/// What forming a full mesh costs when every node joins every other at once, as every silo does through the Orleans
/// integration (issue 14: sixteen silo processes). Each node's spec must be in the replicated state once, added by that
/// node: when every joiner added its contact, 16 nodes held 256 adds, and their formation's gossip carried 3.3 million
/// node specs (a silo spent seconds serializing them and was evicted as frozen).
/// </summary>
public sealed class FullMeshFormationCostTests
{
    [Theory]
    [InlineData(16, 1)]
    [InlineData(16, 2)]
    [InlineData(5, 3)]
    public void Nodes_that_all_join_each_other_at_once_hold_one_add_per_node_and_gossip_a_bounded_number_of_specs(int count, int seed)
    {
        var network = new FullMeshNetwork(count, seed);
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < count; j++)
            {
                if (i != j)
                {
                    network.Join(i, j);
                }
            }
        }

        network.RunToQuiescence(maxSteps: 1_000_000);

        var everyone = Enumerable.Range(0, count).Select(i => network[i].Name.Value).ToHashSet();
        for (var i = 0; i < count; i++)
        {
            Assert.True(everyone.SetEquals(network[i].MemberNames), $"node {i} (seed {seed}) has members [{string.Join(",", network[i].MemberNames.Order())}], expected all {count}");
            Assert.Equal(count, network[i].Core.State.Adds.Count);
            Assert.All(network[i].Core.State.Adds, add => Assert.Equal(add.Key.Actor, add.Value.Name));
        }

        // With one add per node a node's state changes at most n - 1 times, and each change is sent to every member and
        // answered at most once, each message at most n specs: O(n⁴), 2n⁴ with room (about 95,000 at 16; 3.3 million when
        // joiners added their contacts).
        var carried = Enumerable.Range(0, count).Sum(i => network[i].Effects.OfType<SendEffect>().Sum(s => ((FullMeshGossip)s.Message).State.Adds.Count));
        var bound = 2 * count * count * count * count;
        Assert.True(carried <= bound, $"the formation's gossip carried {carried} node specs (seed {seed}), expected at most 2n⁴ = {bound}");
    }
}

namespace Orleans.Partisan.ClusterTests;

/// <summary><see cref="IPartisan.GetViewsAsync"/> and <see cref="IPeerServiceManagerGrain.GetViews"/>: the peer service's active and passive views.</summary>
public sealed class PeerServiceViewsClusterTests
{
    [Fact]
    public async Task Full_mesh_views_hold_every_other_member_as_active_and_nothing_passive()
    {
        await using var cluster = await PartisanCluster.StartAsync(3);
        await cluster.WaitForConvergedAsync();

        foreach (var silo in cluster.Silos)
        {
            var node = cluster.Node(silo);
            var others = cluster.Nodes.Select(n => n.Name).Where(n => n != node.Name).Order().ToList();
            var views = await node.GetViewsAsync();
            Assert.Equal(others, views.Active);
            Assert.Empty(views.Passive);
            var remote = await cluster.Client.GetPeerServiceManager(silo.SiloAddress).GetViews();
            Assert.Equal(views.Active, remote.Active);
            Assert.Equal(views.Passive, remote.Passive);
        }
    }

    [Fact]
    public async Task HyParView_views_are_disjoint_bounded_and_with_the_node_make_its_known_nodes()
    {
        const int MaxActive = 2;
        await using var cluster = await PartisanCluster.StartAsync(5, o => PartisanCluster.UseSmallHyParView(o, MaxActive));

        var seen = new List<string>();
        await Eventually.Until(
            async () =>
            {
                seen.Clear();
                var passiveSomewhere = false;
                foreach (var silo in cluster.Silos)
                {
                    var node = cluster.Node(silo);
                    var views = await cluster.Client.GetPeerServiceManager(silo.SiloAddress).GetViews();
                    var known = node.GetNodes(NodeSelection.Known);
                    seen.Add($"{node.Name}: active [{string.Join(",", views.Active)}] passive [{string.Join(",", views.Passive)}] known [{string.Join(",", known)}]");
                    passiveSomewhere |= views.Passive.Count > 0;
                    if (views.Active.Count is < 1 or > MaxActive
                        || views.Active.Intersect(views.Passive).Any()
                        || views.Active.Contains(node.Name) || views.Passive.Contains(node.Name)
                        || !views.Active.Concat(views.Passive).Append(node.Name).Order().SequenceEqual(known))
                    {
                        return false;
                    }
                }

                // Five silos with at most two neighbours each: some silo knows one it is not connected to.
                return passiveSomewhere;
            },
            PartisanCluster.Timeout,
            () => "every silo with 1 to 2 active, disjoint views, views plus itself = its known nodes, and some passive view not empty; seen: " + string.Join("; ", seen));
    }
}

using Orleans.Partisan.Testing;
using Orleans.TestingHost;

namespace Orleans.Partisan.ClusterTests;

/// <summary>The TestingHost one-liners of Orleans.Partisan.Testing, as a user's test writes them.</summary>
public sealed class TestClusterOneLinerTests
{
    [Fact]
    public async Task AddPartisan_then_WaitForPartisanConverged_gives_a_full_mesh_with_faults_and_each_silos_node()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.Options.ConfigureFileLogging = false;
        builder.AddPartisan(o => o.Channels["bulk"] = new ChannelOptions { Parallelism = 2 });
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        await cluster.WaitForPartisanConvergedAsync();

        var nodes = cluster.GetPartisanNodes();
        Assert.Equal(cluster.Silos.Select(s => s.SiloAddress.GetNodeName()), nodes.Select(n => n.Name));
        foreach (var node in nodes)
        {
            Assert.All(nodes.Where(n => n.Name != node.Name), other =>
                Assert.True(node.IsFullyConnected(other.Name) && node.IsConnected(other.Name, "bulk"), $"{node.Name} is not fully connected to {other.Name} once converged"));
        }

        Assert.Equal(cluster.Silos[1].SiloAddress.GetNodeName(), cluster.GetPartisan(cluster.Silos[1].SiloAddress).Name);
        Assert.Equal(3, cluster.PartisanFaults().Silos.Count);
    }

    [Fact]
    public async Task Under_HyParView_converged_means_symmetric_neighbours_in_one_component()
    {
        var builder = new InProcessTestClusterBuilder(4);
        builder.Options.ConfigureFileLogging = false;
        builder.AddPartisan(o => PartisanCluster.UseSmallHyParView(o, activeView: 2));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        await cluster.WaitForPartisanConvergedAsync();

        var views = cluster.GetPartisanNodes().ToDictionary(n => n.Name, n => n.GetNodes(NodeSelection.Visible));
        Assert.All(views, v => Assert.True(v.Value.Count > 0, $"{v.Key} has no neighbour once converged"));
        Assert.All(views, v => Assert.All(v.Value.Where(views.ContainsKey), p => Assert.Contains(v.Key, views[p])));
    }

    [Fact]
    public async Task WaitForPartisanConverged_fails_with_what_each_node_saw_when_the_silos_never_meet()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.AddPartisan(o => o.FollowClusterMembership = false); // nothing tells the overlays about each other
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => cluster.WaitForPartisanConvergedAsync(TimeSpan.FromSeconds(2)));

        Assert.Contains("had not converged after 00:00:02", failure.Message, StringComparison.Ordinal);
        Assert.All(cluster.GetPartisanNodes(), n => Assert.Contains($"{n.Name} knows [{n.Name}]", failure.Message, StringComparison.Ordinal));
    }
}

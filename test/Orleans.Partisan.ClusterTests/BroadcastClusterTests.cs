using Microsoft.Extensions.DependencyInjection;
using ReplicatedKeyValue;

namespace Orleans.Partisan.ClusterTests;

/// <summary>Plumtree broadcast with grain handlers on six real silos, under each peer service.</summary>
public sealed class BroadcastClusterTests
{
    private const string KvChannel = "kv";

    [Theory]
    [InlineData(PartisanPeerService.FullMesh)]
    [InlineData(PartisanPeerService.HyParView)]
    public async Task A_replicated_key_value_handler_converges_on_every_silo_of_six_on_its_own_channel(PartisanPeerService peerService)
    {
        var recorder = new BroadcastChannelRecorder();
        await using var cluster = await PartisanCluster.StartAsync(
            6,
            o =>
            {
                o.PeerService = peerService;
                o.Channels[KvChannel] = new ChannelOptions();
                o.HyParView.PromotionInterval = TimeSpan.FromMilliseconds(300);
                o.HyParView.ShuffleInterval = TimeSpan.FromSeconds(1);
                o.Plumtree.LazyTickInterval = TimeSpan.FromMilliseconds(200);
                o.Plumtree.GraftTimeout = TimeSpan.FromMilliseconds(400);
                o.Plumtree.SecondGraftTimeout = TimeSpan.FromMilliseconds(200);
            },
            silo => silo
                .AddPartisanBroadcastHandler<IReplicatedKeyValue>(h => h.Channel = KvChannel)
                .AddPartisanBroadcastHandler<IFaultyHandler>()
                .ConfigureServices(s => s.AddSingleton<IPartisanInterposer>(recorder)));
        await BroadcastAssert.WaitForOverlayAsync(cluster);
        var nodes = cluster.Nodes;

        // From silos (IPartisan), from a client (through a silo's broadcaster grain), and an overwrite.
        Assert.True(await nodes[0].BroadcastAsync<IReplicatedKeyValue>(new KeyValueWrite("colour", "red")));
        Assert.True(await nodes[3].BroadcastAsync<IReplicatedKeyValue>(new KeyValueWrite("shape", "square")));
        Assert.True(await cluster.Client.BroadcastAsync<IReplicatedKeyValue>(cluster.Silos[5].SiloAddress, new KeyValueWrite("size", "large")));
        await BroadcastAssert.ConvergedAsync(cluster, new() { ["colour"] = "red", ["shape"] = "square", ["size"] = "large" });

        // A handler that throws on every other silo is counted there and stops neither the tree nor the other handler.
        Assert.True(await nodes[1].BroadcastAsync<IFaultyHandler>("boom"));
        Assert.True(await nodes[1].BroadcastAsync<IReplicatedKeyValue>(new KeyValueWrite("colour", "blue")));
        await BroadcastAssert.ConvergedAsync(cluster, new() { ["colour"] = "blue", ["shape"] = "square", ["size"] = "large" });
        await Eventually.Until(
            () => nodes.Where(n => n != nodes[1]).All(n => n.GetBroadcastStatistics().HandlerFailures >= 1),
            PartisanCluster.Timeout,
            () => "a counted handler failure on every silo but the faulty broadcast's origin; seen: " + string.Join(", ", nodes.Select(n => $"{n.Name}={n.GetBroadcastStatistics().HandlerFailures}")));

        // The handler's channel is honoured: its messages travel on "kv", the other handler's on the default channel.
        var sent = recorder.Sent.ToList();
        Assert.Contains(sent, m => m.Handler == typeof(IReplicatedKeyValue).FullName);
        Assert.All(sent.Where(m => m.Handler == typeof(IReplicatedKeyValue).FullName), m => Assert.Equal(KvChannel, m.Channel));
        Assert.All(sent.Where(m => m.Handler == typeof(IFaultyHandler).FullName), m => Assert.Equal(PartisanChannels.Default, m.Channel));

        // Every silo reports its links in the tree of a root, and they are among its neighbours.
        foreach (var node in nodes)
        {
            var trees = await cluster.Client.GetBroadcaster(cluster.Silos[nodes.ToList().IndexOf(node)].SiloAddress).GetTrees();
            var tree = Assert.Single(trees, t => t.Root == nodes[0].Name);
            Assert.NotEmpty(tree.Eager.Concat(tree.Lazy));
            Assert.All(tree.Eager.Concat(tree.Lazy), n => Assert.Contains(n, node.GetNodes(NodeSelection.Visible)));
        }
    }
}

using Microsoft.Extensions.DependencyInjection;
using ReplicatedKeyValue;
using Xunit.Abstractions;

namespace Orleans.Partisan.ClusterTests;

/// <summary>Under HyParView, a silo's broadcast traffic is bounded by its active view, not by the cluster's size.</summary>
public sealed class BroadcastTrafficTests(ITestOutputHelper output)
{
    private const int ActiveView = 3;
    private const int Broadcasts = 10;

    [Fact]
    public async Task Broadcast_traffic_per_silo_follows_the_active_view_at_six_and_twelve_silos()
    {
        var recorder = new BroadcastChannelRecorder();
        await using var cluster = await PartisanCluster.StartAsync(
            6,
            o =>
            {
                PartisanCluster.UseSmallHyParView(o, ActiveView);
                o.Plumtree.LazyTickInterval = TimeSpan.FromMilliseconds(200);
                o.Plumtree.GraftTimeout = TimeSpan.FromMilliseconds(400);
                o.Plumtree.SecondGraftTimeout = TimeSpan.FromMilliseconds(200);
            },
            silo => silo
                .AddPartisanBroadcastHandler<IReplicatedKeyValue>()
                .ConfigureServices(s => s.AddSingleton<IPartisanInterposer>(recorder)));

        var expected = new Dictionary<string, string>();
        var atSix = await MeasureAsync(cluster, recorder, expected, "six");
        await cluster.Cluster.StartSilosAsync(6);
        var atTwelve = await MeasureAsync(cluster, recorder, expected, "twelve");

        // Each silo sends a broadcast to its eager children and announces it to its lazy neighbours: at most
        // its active view per broadcast (IHAVE batching only lowers it; the margin is for grafts while views
        // settle), whatever the cluster's size. A full mesh of twelve would send up to eleven.
        // On average a silo sends within its active view at either size. (The means are not compared with
        // each other: at six silos IHAVE batching may absorb every announcement, leaving the bare tree's
        // 5/6, while at twelve some announcements go out within the window; both stay within the view.)
        foreach (var (perSilo, silos) in new[] { (atSix, 6), (atTwelve, 12) })
        {
            Assert.All(perSilo, s => Assert.InRange(s.PerBroadcast, 0, ActiveView * 1.5));
            var mean = perSilo.Average(s => s.PerBroadcast);
            Assert.True(mean <= ActiveView, $"messages per silo per broadcast at {silos} silos: mean {mean:0.00}, more than the active view ({ActiveView}); a full mesh would send up to {silos - 1}");
        }
    }

    /// <summary>Broadcasts from one root and counts what each silo sends; silos started since the last phase catch up on <paramref name="expected"/> by exchange.</summary>
    private async Task<List<(NodeName Node, int Peers, double PerBroadcast)>> MeasureAsync(PartisanCluster cluster, BroadcastChannelRecorder recorder, Dictionary<string, string> expected, string phase)
    {
        await BroadcastAssert.WaitForOverlayAsync(cluster);
        var root = cluster.Nodes[0];

        // Warm up: the first broadcasts of a root shape its tree (duplicates are pruned).
        for (var i = 0; i < 3; i++)
        {
            expected[$"{phase}-warm-{i}"] = "x";
            await root.BroadcastAsync<IReplicatedKeyValue>(new KeyValueWrite($"{phase}-warm-{i}", "x"));
            await BroadcastAssert.ConvergedAsync(cluster, expected);
        }

        recorder.Sent.Clear();
        for (var i = 0; i < Broadcasts; i++)
        {
            expected[$"{phase}-{i}"] = "y";
            await root.BroadcastAsync<IReplicatedKeyValue>(new KeyValueWrite($"{phase}-{i}", "y"));
            await BroadcastAssert.ConvergedAsync(cluster, expected);
        }

        var sent = recorder.Sent.ToList();
        var perSilo = cluster.Nodes
            .Select(n => (n.Name, Peers: sent.Where(m => m.From == n.Name).Select(m => m.To).Distinct().Count(), PerBroadcast: sent.Count(m => m.From == n.Name) / (double)Broadcasts))
            .ToList();
        output.WriteLine($"{cluster.Nodes.Count} silos: messages per silo per broadcast mean {perSilo.Average(s => s.PerBroadcast):0.00}, max {perSilo.Max(s => s.PerBroadcast):0.00}; peers sent to max {perSilo.Max(s => s.Peers)}");
        return perSilo;
    }
}

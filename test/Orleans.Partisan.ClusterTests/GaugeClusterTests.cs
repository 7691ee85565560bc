using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Orleans.Partisan.Testing;

namespace Orleans.Partisan.ClusterTests;

/// <summary>The overlay's observable gauges, read with <see cref="MetricCollector{T}"/> on real silos.</summary>
public sealed class GaugeClusterTests
{
    [Fact]
    public async Task The_gauges_report_each_silos_members_connections_queues_and_unacknowledged_messages()
    {
        await using var cluster = await PartisanCluster.StartAsync(3);
        await cluster.WaitForConvergedAsync();
        using var members = Collector(PartisanMetrics.Members);
        using var connections = Collector(PartisanMetrics.Connections);
        using var queued = Collector(PartisanMetrics.SendQueueDepth);
        using var unacked = Collector(PartisanMetrics.MessagesUnacked);
        using var active = Collector(PartisanMetrics.ActiveView);
        var nodes = cluster.Nodes;
        var (sender, receiver) = (nodes[0], nodes[1]);
        using var inbox = receiver.RegisterReceiver("inbox", _ => { });

        // Three acknowledged messages the receiver never gets, so never acknowledges, until the cut heals.
        var cut = cluster.Cluster.PartisanFaults().Drop(from: sender.Name, to: receiver.Name);
        var sends = Enumerable.Range(0, 3).Select(i => sender.ForwardMessageAsync(receiver.Name, PartisanTarget.Named("inbox"), new Ping($"{i}"), new ForwardOptions { Ack = true }).AsTask()).ToList();
        await Eventually.Until(() => Read(unacked, sender.Name) == 3, PartisanCluster.Timeout, () => $"3 unacknowledged messages at {sender.Name}; the gauge says {Read(unacked, sender.Name)}");

        // Every silo knows the three, and dials (and accepts) one default and two bulk lanes per peer; a full mesh has no
        // views. Awaited: convergence is judged on the dialled lanes, and a peer counts a lane it accepted only once it
        // has read the dialler's hello.
        string Gauges(IPartisan node) => $"{node.Name}: members {Read(members, node.Name)}, outbound {Read(connections, node.Name, "outbound")}, inbound {Read(connections, node.Name, "inbound")}, queued {Read(queued, node.Name)}, active view {Read(active, node.Name)?.ToString() ?? "none"}";
        await Eventually.Until(
            () => nodes.All(n => Gauges(n) == $"{n.Name}: members 3, outbound 6, inbound 6, queued 0, active view none"),
            PartisanCluster.Timeout,
            () => "every silo's gauges at members 3, outbound 6, inbound 6, queued 0, active view none; they say " + string.Join("; ", nodes.Select(Gauges)));

        Assert.Equal(0, Read(unacked, receiver.Name));
        cut.Dispose();
        await Task.WhenAll(sends).WaitAsync(PartisanCluster.Timeout);
        Assert.Equal(0, Read(unacked, sender.Name));
    }

    [Fact]
    public async Task Under_HyParView_the_view_gauges_follow_each_silos_active_and_passive_views()
    {
        var builder = new Orleans.TestingHost.InProcessTestClusterBuilder(4);
        builder.Options.ConfigureFileLogging = false;
        builder.AddPartisan(o => PartisanCluster.UseSmallHyParView(o, activeView: 2));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        await cluster.WaitForPartisanConvergedAsync(PartisanCluster.Timeout);
        using var members = Collector(PartisanMetrics.Members);
        using var active = Collector(PartisanMetrics.ActiveView);
        using var passive = Collector(PartisanMetrics.PassiveView);

        foreach (var node in cluster.GetPartisanNodes())
        {
            await Eventually.Until(
                () => Read(active, node.Name) is { } a && Read(passive, node.Name) is { } p && Read(members, node.Name) == 1 + a + p && a == node.GetNodes(NodeSelection.Connected).Count && a is >= 1 and <= 2,
                PartisanCluster.Timeout,
                () => $"{node.Name}: active view (1 or 2) = its connected peers ({node.GetNodes(NodeSelection.Connected).Count}) and members = 1 + active + passive; gauges say active {Read(active, node.Name)}, passive {Read(passive, node.Name)}, members {Read(members, node.Name)}");
        }
    }

    private static MetricCollector<int> Collector(string instrument) => new(null, PartisanTelemetry.MeterName, instrument);

    /// <summary>Collects the observable gauges now and returns <paramref name="node"/>'s value (with that <c>direction</c>), or null when it reported none.</summary>
    private static int? Read(MetricCollector<int> collector, NodeName node, string? direction = null)
    {
        collector.RecordObservableInstruments();
        return collector.GetMeasurementSnapshot()
            .LastOrDefault(m => Equals(m.Tags["node"], node.Value) && (direction is null || Equals(m.Tags["direction"], direction)))?.Value;
    }
}

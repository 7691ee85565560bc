using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Partisan.Hosting;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Tests.Hosting;

/// <summary>The overlay health check's verdicts, from snapshots of a node.</summary>
public sealed class OverlayHealthCheckTests
{
    private static readonly NodeName B = new("b");
    private static readonly NodeName C = new("c");

    [Fact]
    public void Defaults_are_the_documented_ones_and_invalid_thresholds_are_refused_at_registration()
    {
        var o = new PartisanHealthCheckOptions();
        Assert.Equal((0.8, (int?)null), (o.QueueDegradedFraction, o.MinActiveView));
        Assert.Empty(o.Validate());

        var services = new ServiceCollection();
        var error = Assert.Throws<ArgumentException>(() => services.AddHealthChecks().AddPartisan(h => (h.QueueDegradedFraction, h.MinActiveView) = (1.5, 0)));
        Assert.Contains("QueueDegradedFraction must be more than 0 and at most 1; it is 1.5.", error.Message, StringComparison.Ordinal);
        Assert.Contains("MinActiveView must be at least 1 when set; it is 0.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_not_running_or_connected_to_no_member_is_unhealthy()
    {
        Assert.Equal(HealthStatus.Unhealthy, Judge(Snapshot() with { Started = false }).Status);
        Assert.Equal(HealthStatus.Unhealthy, Judge(Snapshot() with { HasLeft = true }).Status);
        var alone = Judge(Snapshot(connected: []));
        Assert.Equal((HealthStatus.Unhealthy, "The overlay node should connect to 2 of its 2 member(s) and is connected to none."), (alone.Status, alone.Description));
        Assert.Equal(HealthStatus.Healthy, Judge(Snapshot(members: [], connected: [])).Status); // a cluster of one
    }

    [Fact]
    public void A_full_mesh_missing_a_member_or_a_nearly_full_queue_is_degraded_with_the_reasons()
    {
        Assert.Equal(HealthStatus.Healthy, Judge(Snapshot()).Status);
        var degraded = Judge(Snapshot(connected: [B]) with { FullestQueue = 800 });
        Assert.Equal((HealthStatus.Degraded, "1 member(s) are not connected (c); a send queue holds 800 of 1000 messages."), (degraded.Status, degraded.Description));
        Assert.Equal(HealthStatus.Healthy, Judge(Snapshot() with { FullestQueue = 799 }).Status);
        Assert.Equal(HealthStatus.Degraded, Judge(Snapshot() with { FullestQueue = 500 }, new PartisanHealthCheckOptions { QueueDegradedFraction = 0.5 }).Status);
    }

    [Fact]
    public void Under_HyParView_an_active_view_below_its_threshold_is_degraded_unless_the_cluster_is_smaller()
    {
        var hyParView = Snapshot() with { PeerService = PartisanPeerService.HyParView, ActiveView = 1, MinActiveView = 3 };
        var shortView = Judge(hyParView);
        Assert.Equal((HealthStatus.Degraded, "HyParView's active view has 1 neighbour(s), below 2."), (shortView.Status, shortView.Description)); // 2 members known
        Assert.Equal(HealthStatus.Healthy, Judge(hyParView with { ActiveView = 2 }).Status);
        Assert.Equal(HealthStatus.Healthy, Judge(hyParView, new PartisanHealthCheckOptions { MinActiveView = 1 }).Status);
    }

    [Fact]
    public void Under_client_server_a_client_is_judged_by_the_servers_it_should_reach_not_by_the_other_clients()
    {
        var client = Snapshot(connected: [B]) with { PeerService = PartisanPeerService.ClientServer, Neighbors = new HashSet<NodeName> { B } };
        Assert.Equal(HealthStatus.Healthy, Judge(client).Status); // c is another client: never connected
        var cut = Judge(client with { Connected = new HashSet<NodeName>() });
        Assert.Equal((HealthStatus.Unhealthy, "The overlay node should connect to 1 of its 2 member(s) and is connected to none."), (cut.Status, cut.Description));
        var twoServers = Judge(client with { Neighbors = new HashSet<NodeName> { B, C } });
        Assert.Equal((HealthStatus.Degraded, "1 member(s) are not connected (c)."), (twoServers.Status, twoServers.Description));
    }

    private static HealthCheckResult Judge(OverlayHealthSnapshot snapshot, PartisanHealthCheckOptions? options = null)
        => OverlayHealthCheck.Judge(snapshot, options ?? new PartisanHealthCheckOptions());

    private static OverlayHealthSnapshot Snapshot(NodeName[]? members = null, NodeName[]? connected = null)
        => new(true, false, PartisanPeerService.FullMesh, members ?? [B, C], (members ?? [B, C]).ToHashSet(), (connected ?? members ?? [B, C]).ToHashSet(), -1, 3, 0, 1000);
}

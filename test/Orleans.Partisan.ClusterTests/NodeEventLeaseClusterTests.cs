using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.ClusterTests;

/// <summary>Node-event observers of clients subscribed with a lease through the node-monitor grain: dropped when not renewed, moved when their silo dies.</summary>
public sealed class NodeEventLeaseClusterTests
{
    // Long enough that a renewal (every third of it, each given a third to answer) gets through on a loaded machine.
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task An_observer_whose_client_stops_renewing_is_dropped_when_its_lease_runs_out_and_a_renewed_one_stays()
    {
        using var metrics = new MetricTotals();
        await using var cluster = await PartisanCluster.StartAsync(2);
        await cluster.WaitForConvergedAsync();
        var host = cluster.Silos[1];
        var leases = ((PartisanNode)cluster.Node(host)).ObserverLeases;
        var renewed = new NodeEventRecorder();
        var abandoned = new NodeEventRecorder();
        await using var subscription = await NodeEventSubscription.StartAsync(
            cluster.Client,
            cluster.Client.CreateObjectReference<INodeEventObserver>(renewed),
            new NodeEventSubscriptionOptions { Lease = Lease, Silo = host.SiloAddress });

        // Subscribed once and never renewed: what a client that went away without unsubscribing leaves behind.
        await cluster.Client.GetNodeMonitor(host.SiloAddress).MonitorNodesWithLease(cluster.Client.CreateObjectReference<INodeEventObserver>(abandoned), null, Lease);
        Assert.Equal(2, leases.Count);

        await Eventually.Until(() => leases.Count == 1, PartisanCluster.Timeout, () => $"the abandoned observer dropped after its lease of {Lease}; {leases.Count} leases held");
        Assert.True(metrics[PartisanMetrics.NodeObserversExpired] >= 1, "the expiry is counted when the lease is dropped");

        var added = await cluster.Cluster.StartAdditionalSiloAsync();
        var addedName = added.SiloAddress.GetNodeName();
        await Eventually.Until(() => renewed.Events.Any(e => e.Kind == NodeEventKind.Up && e.Node == addedName), PartisanCluster.Timeout, () => $"nodeup {addedName} at the renewed observer; saw [{string.Join(", ", renewed.Events)}]");
        Assert.Equal(1, leases.Count);
        Assert.Empty(abandoned.Events);
        Assert.Equal(0, subscription.Moves);
    }

    [Fact]
    public async Task A_subscription_whose_silo_is_killed_moves_to_another_silo_and_keeps_getting_nodeup_and_nodedown()
    {
        await using var cluster = await PartisanCluster.StartAsync(3);
        await cluster.WaitForConvergedAsync();
        var host = cluster.Silos[1];
        var recorder = new NodeEventRecorder();
        await using var subscription = await NodeEventSubscription.StartAsync(
            cluster.Client,
            cluster.Client.CreateObjectReference<INodeEventObserver>(recorder),
            new NodeEventSubscriptionOptions { Lease = Lease, Silo = host.SiloAddress, Monitor = new MonitorNodesOptions { IncludeReason = true } });

        await cluster.Cluster.KillSiloAsync(host);

        await Eventually.Until(() => subscription.Moves >= 1 && !subscription.Silo.Equals(host.SiloAddress), PartisanCluster.Timeout, () => $"the subscription moved off the killed silo {host.SiloAddress}; it is on {subscription.Silo} after {subscription.Moves} moves");
        var added = await cluster.Cluster.StartAdditionalSiloAsync();
        var addedName = added.SiloAddress.GetNodeName();
        await Eventually.Until(() => recorder.Events.Any(e => e.Kind == NodeEventKind.Up && e.Node == addedName), PartisanCluster.Timeout, () => $"nodeup {addedName} after the move; saw [{string.Join(", ", recorder.Events)}]");

        await cluster.Cluster.StopSiloAsync(added);
        // Awaits the graceful stop's nodedown by its reason: the observer's events arrive one call at a time, and an
        // earlier nodedown of the new silo (a connection replaced while it joined) may be seen before the stop's.
        await Eventually.Until(
            () => recorder.Events.Any(e => e.Kind == NodeEventKind.Down && e.Node == addedName && e.Reason == NodeDownReason.Left),
            PartisanCluster.Timeout,
            () => $"nodedown {addedName} with reason Left after the move and its graceful stop; saw [{string.Join(", ", recorder.Events)}]");
    }
}

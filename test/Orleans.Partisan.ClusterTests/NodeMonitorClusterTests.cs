using System.Collections.Concurrent;
using Orleans.TestingHost;

namespace Orleans.Partisan.ClusterTests;

/// <summary>Node monitors on a real cluster: silos that stop and start are seen by the others and by clients.</summary>
public sealed class NodeMonitorClusterTests
{
    [Fact]
    public async Task Stopped_silo_produces_nodedown_at_the_others_and_a_later_silo_becomes_fully_connected()
    {
        await using var cluster = await PartisanCluster.StartAsync(3);
        await cluster.WaitForConvergedAsync();
        var survivors = cluster.Silos.Take(2).ToList();
        var leaving = cluster.Silos[2];
        var leavingName = leaving.SiloAddress.GetNodeName();
        using var watching = new CancellationTokenSource();
        var downs = survivors.Select(s => Eventually.First(
            cluster.Node(s).WatchNodesAsync(watching.Token),
            e => e.Kind == NodeEventKind.Down && e.Node == leavingName,
            PartisanCluster.Timeout,
            $"nodedown {leavingName} at {s.SiloAddress}")).ToList();
        using var monitor = cluster.Node(survivors[0]).CreateMailbox();
        Assert.True(cluster.Node(survivors[0]).MonitorNode(leavingName, true, NodeEventSubscriber.Mailbox(monitor.Self)));

        await cluster.Cluster.StopSiloAsync(leaving);

        foreach (var down in await Task.WhenAll(downs))
        {
            Assert.Equal(NodeDownReason.Left, down.Reason);
        }

        using var timeout = new CancellationTokenSource(PartisanCluster.Timeout);
        var monitored = (NodeEvent)(await monitor.ReceiveAsync(timeout.Token)).Message;
        Assert.Equal((NodeEventKind.Down, leavingName), (monitored.Kind, monitored.Node));
        Assert.All(survivors, s => Assert.DoesNotContain(leavingName, cluster.Node(s).GetNodes(NodeSelection.Known)));

        var late = await cluster.Cluster.StartAdditionalSiloAsync();
        await cluster.WaitForConvergedAsync();
        var lateNode = cluster.Node(late);
        Assert.Equal(2, lateNode.GetNodes(NodeSelection.Visible).Count);
        Assert.All(survivors, s => Assert.True(cluster.Node(s).IsFullyConnected(lateNode.Name)));
    }

    [Fact]
    public async Task Client_observer_sees_nodeup_and_nodedown()
    {
        await using var cluster = await PartisanCluster.StartAsync(2);
        await cluster.WaitForConvergedAsync();
        var recorder = new NodeEventRecorder();
        var observer = cluster.Client.CreateObjectReference<INodeEventObserver>(recorder);
        var monitorGrain = cluster.Client.GetNodeMonitor(cluster.Silos[0].SiloAddress);
        await monitorGrain.MonitorNodes(true, observer, new MonitorNodesOptions { IncludeReason = true });

        var added = await cluster.Cluster.StartAdditionalSiloAsync();
        var addedName = added.SiloAddress.GetNodeName();
        await Eventually.Until(() => recorder.Events.Any(e => e.Kind == NodeEventKind.Up && e.Node == addedName), PartisanCluster.Timeout, () => $"nodeup {addedName} at the client; saw [{string.Join(", ", recorder.Events)}]");

        await cluster.Cluster.StopSiloAsync(added);

        // Awaited by its reason, as in NodeEventLeaseClusterTests: the graceful stop's nodedown is the one this is about.
        await Eventually.Until(
            () => recorder.Events.Any(e => e.Kind == NodeEventKind.Down && e.Node == addedName && e.Reason == NodeDownReason.Left),
            PartisanCluster.Timeout,
            () => $"nodedown {addedName} with reason Left at the client after its graceful stop; saw [{string.Join(", ", recorder.Events)}]");
        var down = recorder.Events.First(e => e.Kind == NodeEventKind.Down && e.Node == addedName && e.Reason == NodeDownReason.Left);
        Assert.Equal(cluster.Silos[0].SiloAddress.GetNodeName(), down.Observer);

        await monitorGrain.MonitorNodes(false, observer, null);
    }

    [Fact]
    public async Task Every_observer_sees_each_joining_silo_up_once_and_never_down()
    {
        await using var cluster = await PartisanCluster.StartAsync(2);
        await cluster.WaitForConvergedAsync();
        var seen = new ConcurrentQueue<NodeEvent>();
        var observers = new List<NodeName>();
        void Observe(InProcessSiloHandle silo)
        {
            cluster.Node(silo).MonitorNodes(true, NodeEventSubscriber.Callback(seen.Enqueue), new MonitorNodesOptions { IncludeReason = true });
            observers.Add(silo.SiloAddress.GetNodeName());
        }

        foreach (var silo in cluster.Silos)
        {
            Observe(silo);
        }

        // Each joiner is expected up once at every observer subscribed before it started.
        var expected = new List<(NodeName Observer, NodeName Joiner)>();
        for (var i = 0; i < 3; i++)
        {
            var before = observers.ToList();
            var joiner = await cluster.Cluster.StartAdditionalSiloAsync();
            var joinerName = joiner.SiloAddress.GetNodeName();
            expected.AddRange(before.Select(o => (o, joinerName)));
            Observe(joiner);
            await cluster.WaitForConvergedAsync();
        }

        string Seen() => string.Join(", ", seen.Select(e => $"{e.Observer}: {e}"));
        await Eventually.Until(
            () => expected.All(x => seen.Any(e => e.Observer == x.Observer && e.Node == x.Joiner && e.Kind == NodeEventKind.Up)),
            PartisanCluster.Timeout,
            () => $"a nodeup of each joiner at every earlier observer ({expected.Count} pairs); saw [{Seen()}]");

        foreach (var (observer, joiner) in expected)
        {
            var events = seen.Where(e => e.Observer == observer && e.Node == joiner).ToList();
            Assert.True(
                events.Count == 1 && events[0].Kind == NodeEventKind.Up,
                $"{observer} saw {joiner} join: expected one nodeup and nothing else, saw [{string.Join(", ", events)}]; all events [{Seen()}]");
        }
    }
}

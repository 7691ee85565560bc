using Microsoft.Extensions.DependencyInjection;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.ClusterTests;

/// <summary>Process monitors between real silos: one DOWN per monitor, to mailboxes, grains and client observers, with the right reason.</summary>
public sealed class ProcessMonitorClusterTests
{
    [Fact]
    public async Task Exits_give_Normal_missing_targets_NoProcess_and_a_node_not_connected_NoConnection_at_once()
    {
        await using var cluster = await PartisanCluster.StartAsync(2);
        await cluster.WaitForConvergedAsync();
        var (a, b) = (cluster.Node(cluster.Silos[0]), cluster.Node(cluster.Silos[1]));
        using var watcher = a.CreateMailbox();
        var subscriber = NodeEventSubscriber.Mailbox(watcher.Self);

        // Local and remote mailboxes, and a remote named receiver.
        var local = a.CreateMailbox();
        var remote = b.CreateMailbox();
        var receiver = b.RegisterReceiver("svc", _ => { });
        var onLocal = a.Monitor(local.Self, subscriber);
        var onRemote = a.Monitor(remote.Self, subscriber);
        var onReceiver = a.Monitor(b.Name, PartisanTarget.Named("svc"), subscriber);
        await Eventually.Until(() => Held(cluster, 1, a.Name) == 2, PartisanCluster.Timeout, () => $"silo 1 holding silo 0's two monitors; holds {Held(cluster, 1, a.Name)}");
        Assert.True(a.IsProcessAlive(local.Self));
        Assert.True(await a.IsProcessAliveAsync(remote.Self, PartisanCluster.Timeout));

        local.Dispose();
        remote.Dispose();
        receiver.Dispose();
        var downs = await ReceiveAsync(watcher, 3);
        Assert.Equal(
            [(onLocal, ProcessDownReason.Normal), (onRemote, ProcessDownReason.Normal), (onReceiver, ProcessDownReason.Normal)],
            downs.Select(d => (d.Monitor, d.Reason)).OrderBy(d => d.Monitor.Id));
        Assert.False(await a.IsProcessAliveAsync(remote.Self, PartisanCluster.Timeout));
        Assert.Equal(0, Held(cluster, 1, a.Name));

        // Targets that do not exist: at once here, after one round trip there.
        var missingHere = a.Monitor(a.Name, PartisanTarget.Named("nobody"), subscriber);
        Assert.True(watcher.TryReceive(out var noProcHere), "NoProcess at once for a local target");
        Assert.Equal((missingHere, ProcessDownReason.NoProcess), (((ProcessDown)noProcHere.Message).Monitor, ((ProcessDown)noProcHere.Message).Reason));
        var missingThere = a.Monitor(new ProcessRef(b.Name, 987_654), subscriber);
        var noProcThere = Assert.Single(await ReceiveAsync(watcher, 1));
        Assert.Equal((missingThere, ProcessDownReason.NoProcess), (noProcThere.Monitor, noProcThere.Reason));

        // A node that is not connected: NoConnection at once.
        var nowhere = a.Monitor(new NodeName("nowhere"), PartisanTarget.Named("svc"), subscriber);
        Assert.True(watcher.TryReceive(out var noConnection), "NoConnection at once for a node that is not connected");
        Assert.Equal((nowhere, ProcessDownReason.NoConnection), (((ProcessDown)noConnection.Message).Monitor, ((ProcessDown)noConnection.Message).Reason));

        // Grains: a grain that receives overlay messages exists (and never exits); one that does not, or an unknown type, does not.
        var recorder = PartisanTarget.Grain(cluster.Client.GetGrain<IRecorderGrain>("watched"));
        var onGrain = a.Monitor(b.Name, recorder, subscriber);
        var notReceiver = a.Monitor(b.Name, PartisanTarget.Grain(cluster.Client.GetPeerServiceManager(cluster.Silos[1].SiloAddress).GetGrainId()), subscriber);
        var unknownType = a.Monitor(b.Name, PartisanTarget.Grain(GrainId.Create("no-such-grain-type", "x")), subscriber);
        var grainDowns = await ReceiveAsync(watcher, 2);
        Assert.Equal([(notReceiver, ProcessDownReason.NoProcess), (unknownType, ProcessDownReason.NoProcess)], grainDowns.Select(d => (d.Monitor, d.Reason)).OrderBy(d => d.Monitor.Id));
        await Eventually.Until(() => Held(cluster, 1, a.Name) == 1, PartisanCluster.Timeout, () => "silo 1 holding the monitor of the receiving grain");
        Assert.True(a.Demonitor(onGrain));
        await Eventually.Until(() => Held(cluster, 1, a.Name) == 0, PartisanCluster.Timeout, () => "silo 1 forgetting the demonitored grain monitor");
    }

    [Fact]
    public async Task A_grain_and_a_client_observer_get_their_DOWN_through_the_node_monitor_grain()
    {
        await using var cluster = await PartisanCluster.StartAsync(2);
        await cluster.WaitForConvergedAsync();
        var b = cluster.Node(cluster.Silos[1]);
        var monitors = cluster.Client.GetNodeMonitor(cluster.Silos[0].SiloAddress);
        var first = b.CreateMailbox();
        var second = b.CreateMailbox();
        var grain = cluster.Client.GetGrain<IDownRecorderGrain>("downs");
        var recorder = new ProcessDownRecorder();
        var observer = cluster.Client.CreateObjectReference<IProcessDownObserver>(recorder);

        var toGrain = await monitors.Monitor(b.Name, first.Self, grain);
        var toClient = await monitors.Monitor(b.Name, second.Self, observer);
        var withdrawn = await monitors.Monitor(b.Name, second.Self, observer);
        Assert.True(await monitors.Demonitor(withdrawn, flush: false));
        await Eventually.Until(() => Held(cluster, 1, cluster.Silos[0].SiloAddress.GetNodeName()) == 2, PartisanCluster.Timeout, () => "silo 1 holding the two monitors");
        first.Dispose();
        second.Dispose();

        await Eventually.Until(async () => (await grain.GetDowns()).Count == 1, PartisanCluster.Timeout, () => "the grain's DOWN");
        var grainDown = Assert.Single(await grain.GetDowns());
        Assert.Equal((toGrain, first.Self, ProcessDownReason.Normal), (grainDown.Monitor, (ProcessRef)grainDown.Target, grainDown.Reason));
        await Eventually.Until(() => !recorder.Downs.IsEmpty, PartisanCluster.Timeout, () => "the client observer's DOWN");
        var clientDown = Assert.Single(recorder.Downs);
        Assert.Equal((toClient, second.Self, ProcessDownReason.Normal), (clientDown.Monitor, (ProcessRef)clientDown.Target, clientDown.Reason));
        Assert.False(await monitors.Demonitor(toClient, flush: true));
        GC.KeepAlive(recorder);
    }

    [Fact]
    public async Task Stopped_and_crashed_silos_give_NoConnection_and_a_stopped_watchers_monitors_are_dropped_on_the_target_silo()
    {
        await using var cluster = await PartisanCluster.StartAsync(4);
        await cluster.WaitForConvergedAsync();
        var (watcherSilo, stopping, crashing, leavingWatcher) = (cluster.Silos[0], cluster.Silos[1], cluster.Silos[2], cluster.Silos[3]);
        var a = cluster.Node(watcherSilo);
        using var watcher = a.CreateMailbox();
        using var onStopping = cluster.Node(stopping).CreateMailbox();
        using var onCrashing = cluster.Node(crashing).CreateMailbox();
        var toStopping = a.Monitor(onStopping.Self, NodeEventSubscriber.Mailbox(watcher.Self));
        var toCrashing = a.Monitor(onCrashing.Self, NodeEventSubscriber.Mailbox(watcher.Self));
        var other = cluster.Node(leavingWatcher);
        other.Monitor(onStopping.Self, NodeEventSubscriber.ProcessDownCallback(_ => { }));
        await Eventually.Until(
            () => Held(cluster, 1, a.Name) == 1 && Held(cluster, 2, a.Name) == 1 && Held(cluster, 1, other.Name) == 1,
            PartisanCluster.Timeout,
            () => "the target silos holding the monitors");

        // The watcher's silo stops: the target silo forgets its monitors.
        await cluster.Cluster.StopSiloAsync(leavingWatcher);
        await Eventually.Until(() => Held(cluster, 1, other.Name) == 0, PartisanCluster.Timeout, () => $"silo 1 dropping the monitor of stopped silo 3; holds {Held(cluster, 1, other.Name)}");
        Assert.False(watcher.TryReceive(out var early), $"no DOWN yet; got {early?.Message}");

        // A target silo stops gracefully.
        await cluster.Cluster.StopSiloAsync(stopping);
        var stopped = Assert.Single(await ReceiveAsync(watcher, 1));
        Assert.Equal((toStopping, ProcessDownReason.NoConnection), (stopped.Monitor, stopped.Reason));
        Assert.False(await a.IsProcessAliveAsync(onStopping.Self, PartisanCluster.Timeout));

        // A target silo's overlay dies without a leave, as in a crash.
        await cluster.Cluster.GetSiloServiceProvider(crashing.SiloAddress).GetRequiredService<PartisanNode>().DisposeAsync();
        var crashed = Assert.Single(await ReceiveAsync(watcher, 1));
        Assert.Equal((toCrashing, ProcessDownReason.NoConnection), (crashed.Monitor, crashed.Reason));
        Assert.False(watcher.TryReceive(out var extra), $"exactly one DOWN per monitor; got also {extra?.Message}");
    }

    [Fact]
    public async Task Under_HyParView_a_silo_monitors_a_process_on_a_silo_it_is_not_connected_to()
    {
        await using var cluster = await PartisanCluster.StartAsync(5, o =>
        {
            PartisanCluster.UseSmallHyParView(o, activeView: 2);
            // A check unanswered by the next tick counts the node down. 500 ms here (a tenth of the default) was too
            // short for a check and its answer relayed through two silos on a loaded 2-core CI machine: CI saw the
            // liveness question answered false while the target lived. 2 s still finds the stopped silo within 4 s.
            o.ProcessMonitorCheckInterval = TimeSpan.FromSeconds(2);
        });
        // A connected overlay, not merely a neighbour each: while the overlay is still in pieces a relay finds no
        // route, the watcher's checks go unanswered, and its monitors rightly fire NoConnection.
        await cluster.WaitForConvergedAsync();
        var (watcher, target) = cluster.Nodes.SelectMany(x => cluster.Nodes.Select(y => (x, y))).First(p => p.x.Name != p.y.Name && !p.x.IsConnected(p.y.Name));
        using var inbox = watcher.CreateMailbox();
        var first = target.CreateMailbox();
        using var second = target.CreateMailbox();
        var exits = watcher.Monitor(first.Self, NodeEventSubscriber.Mailbox(inbox.Self));
        var stops = watcher.Monitor(second.Self, NodeEventSubscriber.Mailbox(inbox.Self));
        await Eventually.Until(() => target.Processes().HeldFor(watcher.Name) == 2, PartisanCluster.Timeout, () => "the target silo holding both monitors, sent by relay");
        Assert.True(await watcher.IsProcessAliveAsync(second.Self, PartisanCluster.Timeout));

        first.Dispose();
        var exited = Assert.Single(await ReceiveAsync(inbox, 1));
        Assert.Equal((exits, ProcessDownReason.Normal), (exited.Monitor, exited.Reason));

        await cluster.Cluster.StopSiloAsync(cluster.Silos.Single(s => s.SiloAddress.GetNodeName() == target.Name));
        var stopped = Assert.Single(await ReceiveAsync(inbox, 1));
        Assert.Equal((stops, ProcessDownReason.NoConnection), (stopped.Monitor, stopped.Reason));
    }

    private static int Held(PartisanCluster cluster, int silo, NodeName watcher) => cluster.Node(cluster.Silos[silo]).Processes().HeldFor(watcher);

    private static async Task<List<ProcessDown>> ReceiveAsync(Mailbox mailbox, int count)
    {
        using var timeout = new CancellationTokenSource(PartisanCluster.Timeout);
        var downs = new List<ProcessDown>();
        try
        {
            while (downs.Count < count)
            {
                downs.Add((ProcessDown)(await mailbox.ReceiveAsync(timeout.Token)).Message);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"Timed out after {PartisanCluster.Timeout} waiting for {count} DOWN; got [{string.Join(", ", downs)}]");
        }

        return downs;
    }
}

internal static class ProcessMonitorAccess
{
    /// <summary>The process monitors of the node behind <paramref name="partisan"/>.</summary>
    public static ProcessMonitors Processes(this IPartisan partisan) => ((PartisanNode)partisan).Processes;
}

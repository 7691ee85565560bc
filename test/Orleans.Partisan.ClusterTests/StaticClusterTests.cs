using System.Net;
using Orleans.Partisan.Testing;
using Orleans.Partisan.Tests.Shared;

namespace Orleans.Partisan.ClusterTests;

/// <summary>
/// The static peer service on three real silos listening on listed ports: they connect to each other without following
/// Orleans' membership, and a silo stopped and restarted (a new node name at the same endpoint) is reconnected.
/// </summary>
public sealed class StaticClusterTests
{
    [Fact]
    public async Task Three_listed_silos_connect_and_a_restarted_one_is_reconnected_under_its_new_name()
    {
        var ports = Enumerable.Range(0, 3).Select(_ => SafePorts.Take()).ToArray();
        await using var cluster = await PartisanCluster.StartAsync(
            3,
            o =>
            {
                o.PeerService = PartisanPeerService.Static;
                o.Static.Members.AddRange(ports.Select(p => new IPEndPoint(IPAddress.Loopback, p).ToString()));
                o.ReconnectInterval = TimeSpan.FromMilliseconds(200);
                o.MaxReconnectInterval = TimeSpan.FromSeconds(2);
            },
            (silo, builder) => builder.Configure<PartisanOptions>(o => o.ListenPort = ports[int.Parse(silo.SiloName["Silo_".Length..], System.Globalization.CultureInfo.InvariantCulture)]));
        await cluster.Cluster.WaitForPartisanConvergedAsync(PartisanCluster.Timeout);

        var watcher = cluster.Node(cluster.Silos[0]);
        var restarting = cluster.Silos[2];
        var old = cluster.Node(restarting).Name;
        Assert.Contains(old, watcher.GetNodes(NodeSelection.Connected));
        Assert.Equal(ports[2], cluster.Node(restarting).Spec.ListenAddresses.Single().Port);

        using var watching = new CancellationTokenSource();
        var down = Eventually.First(watcher.WatchNodesAsync(watching.Token), e => e.Kind == NodeEventKind.Down && e.Node == old, PartisanCluster.Timeout, $"nodedown {old} at {watcher.Name}");
        var others = cluster.Nodes.Select(n => n.Name).ToHashSet();
        var up = Eventually.First(watcher.WatchNodesAsync(watching.Token), e => e.Kind == NodeEventKind.Up && !others.Contains(e.Node), PartisanCluster.Timeout * 2, $"nodeup of the silo restarted at port {ports[2]} at {watcher.Name}");
        var restarted = await cluster.Cluster.RestartSiloAsync(restarting) ?? throw new InvalidOperationException("the silo did not restart");
        await down;
        var successor = cluster.Node(restarted);
        Assert.NotEqual(old, successor.Name);
        Assert.Equal(ports[2], successor.Spec.ListenAddresses.Single().Port);
        Assert.Equal(successor.Name, (await up).Node);

        await cluster.Cluster.WaitForPartisanConvergedAsync(PartisanCluster.Timeout);
        Assert.All(cluster.Nodes, n => Assert.DoesNotContain(old, n.GetNodes(NodeSelection.Known)));

        // Messages flow to the successor as to any member.
        using var inbox = successor.CreateMailbox();
        await watcher.ForwardMessageAsync(successor.Name, inbox.Self, new Ping("welcome back"), new ForwardOptions { Ack = true });
        using var timeout = new CancellationTokenSource(PartisanCluster.Timeout);
        Assert.Equal("welcome back", ((Ping)(await inbox.ReceiveAsync(timeout.Token)).Message).Text);
        await watching.CancelAsync();
    }
}

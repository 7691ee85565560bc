using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Partisan.Testing;
using ReplicatedKeyValue;

namespace Orleans.Partisan.ClusterTests;

/// <summary>
/// The client-server peer service on five real silos, two servers and three clients: connections follow the roles, every
/// kind of message from a client to another arrives through a server, a broadcast reaches every silo, and node monitors
/// report what each role is connected to.
/// </summary>
public sealed class ClientServerClusterTests
{
    private static readonly string[] ServerSilos = ["Silo_0", "Silo_1"];

    [Fact]
    public async Task Two_servers_and_three_clients_connect_by_role_relay_between_clients_broadcast_and_monitor_by_role()
    {
        await using var cluster = await PartisanCluster.StartAsync(
            5,
            o =>
            {
                o.PeerService = PartisanPeerService.ClientServer;
                o.GossipInterval = TimeSpan.FromSeconds(1);
                o.Plumtree.LazyTickInterval = TimeSpan.FromMilliseconds(200);
                o.Plumtree.GraftTimeout = TimeSpan.FromMilliseconds(400);
                o.Plumtree.SecondGraftTimeout = TimeSpan.FromMilliseconds(200);
            },
            (silo, builder) => builder
                .Configure<PartisanOptions>(o => o.ClientServer.Role = ServerSilos.Contains(silo.SiloName) ? PartisanNodeRole.Server : PartisanNodeRole.Client)
                .AddPartisanBroadcastHandler<IReplicatedKeyValue>());
        await cluster.Cluster.WaitForPartisanConvergedAsync(PartisanCluster.Timeout);

        var servers = cluster.Silos.Where(s => RoleOf(cluster, s) == PartisanNodeRole.Server).Select(cluster.Node).ToList();
        var clients = cluster.Silos.Where(s => RoleOf(cluster, s) == PartisanNodeRole.Client).Select(cluster.Node).ToList();
        Assert.Equal((2, 3), (servers.Count, clients.Count));
        var serverNames = servers.Select(s => s.Name).Order().ToList();
        Assert.All(clients, c => Assert.Equal(serverNames, c.GetNodes(NodeSelection.Connected)));
        Assert.All(clients, c => Assert.Equal(5, c.GetNodes(NodeSelection.Known).Count));
        Assert.All(servers, s => Assert.Equal(4, s.GetNodes(NodeSelection.Connected).Count));

        // Every kind of message from one client to another, with no option asking for a relay.
        var (c1, c2, c3) = (clients[0], clients[1], clients[2]);
        await AssertEveryKindArrivesAsync(c1, c2, "before any stop");

        // A broadcast from a client reaches every silo over the client-server graph.
        Assert.True(await c1.BroadcastAsync<IReplicatedKeyValue>(new KeyValueWrite("colour", "red")));
        Assert.True(await servers[1].BroadcastAsync<IReplicatedKeyValue>(new KeyValueWrite("shape", "square")));
        await BroadcastAssert.ConvergedAsync(cluster, new() { ["colour"] = "red", ["shape"] = "square" });

        // Node monitors follow the connections of each role: a client's stop is a nodedown at the servers and at no client.
        using var watching = new CancellationTokenSource();
        var atServer = Eventually.First(servers[0].WatchNodesAsync(watching.Token), e => e.Kind == NodeEventKind.Down && e.Node == c3.Name, PartisanCluster.Timeout, $"nodedown {c3.Name} at server {servers[0].Name}");
        var atClient = new List<NodeEvent>();
        var clientWatch = RecordAsync(c1.WatchNodesAsync(watching.Token), atClient);
        await cluster.Cluster.StopSiloAsync(cluster.Silos.Single(s => cluster.Node(s) == c3));
        await atServer;
        await Eventually.Until(() => !c1.GetNodes(NodeSelection.Known).Contains(c3.Name), PartisanCluster.Timeout, () => $"{c3.Name} removed at {c1.Name}; {c1.Name} knows [{string.Join(",", c1.GetNodes(NodeSelection.Known))}]");

        // A server's stop is a nodedown at every client, and the clients still reach each other through the other server.
        var lost = servers[1];
        var atClients = clients.Take(2).Select(c => Eventually.First(c.WatchNodesAsync(watching.Token), e => e.Kind == NodeEventKind.Down && e.Node == lost.Name, PartisanCluster.Timeout, $"nodedown {lost.Name} at client {c.Name}")).ToList();
        await cluster.Cluster.StopSiloAsync(cluster.Silos.Single(s => cluster.Node(s) == lost));
        await Task.WhenAll(atClients);
        await watching.CancelAsync();
        await clientWatch;
        lock (atClient)
        {
            Assert.DoesNotContain(atClient, e => e.Node == c3.Name);
            Assert.Contains(atClient, e => e.Kind == NodeEventKind.Down && e.Node == lost.Name);
        }

        Assert.Equal([servers[0].Name], c1.GetNodes(NodeSelection.Connected));
        await AssertEveryKindArrivesAsync(c2, c1, "after a client and a server stopped");
    }

    private static PartisanNodeRole RoleOf(PartisanCluster cluster, Orleans.TestingHost.InProcessSiloHandle silo)
        => cluster.Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<IOptions<PartisanOptions>>().Value.ClientServer.Role;

    /// <summary>Forward, cast on another channel, acknowledged, causal and a call from <paramref name="from"/> to <paramref name="to"/>, which are not connected.</summary>
    private static async Task AssertEveryKindArrivesAsync(IPartisan from, IPartisan to, string phase)
    {
        Assert.False(from.IsConnected(to.Name), $"{from.Name} is connected to {to.Name} {phase}: clients never connect to each other");
        using var inbox = to.CreateMailbox();
        using var timeout = new CancellationTokenSource(PartisanCluster.Timeout);
        await from.ForwardMessageAsync(to.Name, inbox.Self, new Ping("forward"));
        await from.CastMessageAsync(to.Name, inbox.Self, new Ping("cast"), new ForwardOptions { Channel = "bulk" });
        await from.ForwardMessageAsync(to.Name, inbox.Self, new Ping("acked"), new ForwardOptions { Ack = true });
        await from.ForwardMessageAsync(to.Name, inbox.Self, new Ping("causal"), new ForwardOptions { CausalLabel = "cs" });
        var call = from.CallAsync<Ping>(to.Name, inbox.Self, new Ping("call"));

        var texts = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ReceivedMessage received;
            try
            {
                received = await inbox.ReceiveAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"{phase}: {to.Name} got only [{string.Join(", ", texts)}] of forward, cast, acked, causal and call from {from.Name} within {PartisanCluster.Timeout}");
                throw;
            }

            Assert.Equal(from.Name, received.From);
            var text = ((Ping)received.Message).Text;
            texts.Add(text);
            if (text == "call")
            {
                await received.ReplyAsync(new Ping("answer"));
            }
        }

        Assert.Equal(["acked", "call", "cast", "causal", "forward"], texts.Order());
        Assert.Equal("answer", (await call).Text);
    }

    private static async Task RecordAsync(IAsyncEnumerable<NodeEvent> events, List<NodeEvent> into)
    {
        try
        {
            await foreach (var e in events)
            {
                lock (into)
                {
                    into.Add(e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The watch ends with the test.
        }
    }
}

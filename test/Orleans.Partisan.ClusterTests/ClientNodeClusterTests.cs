using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Orleans.Partisan.ClusterTests;

/// <summary>An Orleans client as an overlay node (<c>clientBuilder.AddPartisan</c>): it attaches to a silo and reaches every silo through it, and every silo reaches it.</summary>
public sealed class ClientNodeClusterTests
{
    [Theory]
    [InlineData(PartisanPeerService.FullMesh)]
    [InlineData(PartisanPeerService.HyParView)]
    public async Task A_client_node_forwards_to_and_calls_every_silo_and_every_silo_forwards_to_and_calls_the_client(PartisanPeerService peerService)
    {
        await using var cluster = await ClientNodeCluster.StartAsync(3, o =>
        {
            if (peerService == PartisanPeerService.HyParView)
            {
                PartisanCluster.UseSmallHyParView(o, activeView: 2);
            }
        });
        await cluster.WaitForConvergedAsync();
        var client = cluster.ClientNode();
        await cluster.WaitForGatewayAsync();

        // A client node: no member of any silo's peer service, connected to its gateway only (once it has settled on one).
        Assert.StartsWith("client:", client.Name.Value, StringComparison.Ordinal);
        Assert.All(cluster.Nodes, n => Assert.DoesNotContain(client.Name, n.GetNodes(NodeSelection.Known)));
        await cluster.WaitForOneGatewayAsync();

        var inboxes = new Dictionary<NodeName, ConcurrentQueue<ReceivedMessage>>();
        var registrations = new List<IDisposable>();
        foreach (var node in cluster.Nodes)
        {
            var inbox = new ConcurrentQueue<ReceivedMessage>();
            inboxes[node.Name] = inbox;
            registrations.Add(node.RegisterReceiver("inbox", inbox.Enqueue));
            registrations.Add(node.RegisterReceiver("echo", m => _ = m.ReplyAsync(new Ping("re: " + ((Ping)m.Message).Text + " at " + node.Name))));
        }

        using var clientMailbox = client.CreateMailbox();
        registrations.Add(client.RegisterReceiver("client-echo", m => _ = m.ReplyAsync(new Ping("client re: " + ((Ping)m.Message).Text))));

        foreach (var node in cluster.Nodes)
        {
            await client.ForwardMessageAsync(node.Name, PartisanTarget.Named("inbox"), new Ping("from the client"));
            var reply = await client.CallAsync<Ping>(node.Name, PartisanTarget.Named("echo"), new Ping("call"), timeout: PartisanCluster.Timeout).WaitAsync(PartisanCluster.Timeout);
            Assert.Equal("re: call at " + node.Name, reply.Text);

            await node.ForwardMessageAsync(clientMailbox.Self, new Ping("to the client from " + node.Name));
            var answer = await node.CallAsync<Ping>(client.Name, PartisanTarget.Named("client-echo"), new Ping(node.Name.Value), timeout: PartisanCluster.Timeout).WaitAsync(PartisanCluster.Timeout);
            Assert.Equal("client re: " + node.Name, answer.Text);
        }

        await Eventually.Until(() => inboxes.Values.All(i => i.Count == 1), PartisanCluster.Timeout, () => $"one message from the client at each silo; counts [{string.Join(", ", inboxes.Select(i => $"{i.Key}: {i.Value.Count}"))}]");
        Assert.All(inboxes.Values, i => Assert.Equal(client.Name, Assert.Single(i).From));

        var received = new List<string>();
        using var timeout = new CancellationTokenSource(PartisanCluster.Timeout);
        for (var i = 0; i < cluster.Silos.Count; i++)
        {
            received.Add(((Ping)(await clientMailbox.ReceiveAsync(timeout.Token)).Message).Text);
        }

        Assert.Equal(cluster.Nodes.Select(n => "to the client from " + n.Name).Order(), received.Order());
        registrations.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task A_client_node_receives_broadcasts_through_its_handler_and_its_broadcasts_reach_every_silo()
    {
        await using var cluster = await ClientNodeCluster.StartAsync(
            3,
            configureSilo: silo => silo.AddPartisanBroadcastHandler<IClientNewsHandler>(),
            configureClient: client => client.AddPartisanBroadcastHandler<IClientNewsHandler, NewsHandlerOnClient>());
        await cluster.WaitForConvergedAsync();
        var client = cluster.ClientNode();
        await cluster.WaitForGatewayAsync();
        var handler = cluster.Client.ServiceProvider.GetRequiredService<NewsHandlerOnClient>();

        foreach (var (node, i) in cluster.Nodes.Select((n, i) => (n, i)))
        {
            Assert.True(await node.BroadcastAsync<IClientNewsHandler>($"silo news {i}"));
        }

        Assert.True(await client.BroadcastAsync<IClientNewsHandler>("client news"));

        var expected = Enumerable.Range(0, cluster.Silos.Count).Select(i => $"silo news {i}").Append("client news").Order().ToList();
        await Eventually.Until(async () => (await handler.GetMerged()).Order().SequenceEqual(expected), PartisanCluster.Timeout, () => $"the client's handler merged [{string.Join(", ", expected)}]; it merged [{string.Join(", ", handler.GetMerged().Result)}]");
        foreach (var silo in cluster.Silos)
        {
            var grain = cluster.Client.GetBroadcastHandler<IClientNewsHandler>(silo.SiloAddress);
            await Eventually.Until(async () => (await grain.GetMerged()).Order().SequenceEqual(expected), PartisanCluster.Timeout, () => $"the handler of {silo.SiloAddress} merged [{string.Join(", ", expected)}]; it merged [{string.Join(", ", grain.GetMerged().Result)}]");
        }
    }

    [Fact]
    public async Task A_client_node_monitors_a_silo_node_and_a_silo_process_and_gets_both_down_when_the_silo_stops()
    {
        await using var cluster = await ClientNodeCluster.StartAsync(3);
        await cluster.WaitForConvergedAsync();
        var client = cluster.ClientNode();
        var gateway = await cluster.WaitForGatewayAsync();
        var stopping = cluster.Silos.First(s => s != gateway && s != cluster.Silos[0]);
        var target = cluster.Node(stopping);
        await Eventually.Until(() => client.GetNodes(NodeSelection.Known).Contains(target.Name), PartisanCluster.Timeout, () => $"the client knows {target.Name} from its gateway's list; it knows [{string.Join(", ", client.GetNodes(NodeSelection.Known))}]");

        using var nodeEvents = client.CreateMailbox();
        Assert.True(client.MonitorNode(target.Name, true, NodeEventSubscriber.Mailbox(nodeEvents.Self)));
        using var process = target.CreateMailbox();
        var downs = new ConcurrentQueue<ProcessDown>();
        var monitor = client.Monitor(process.Self, NodeEventSubscriber.ProcessDownCallback(downs.Enqueue));
        Assert.True(await client.IsProcessAliveAsync(process.Self, PartisanCluster.Timeout), $"the client sees {process.Self} alive before its silo stops");

        await cluster.Cluster.StopSiloAsync(stopping);

        using var timeout = new CancellationTokenSource(PartisanCluster.Timeout);
        var down = (NodeEvent)(await nodeEvents.ReceiveAsync(timeout.Token)).Message;
        Assert.Equal((NodeEventKind.Down, target.Name), (down.Kind, down.Node));
        await Eventually.Until(() => !downs.IsEmpty, PartisanCluster.Timeout, () => $"DOWN of monitor {monitor} of {process.Self} at the client");
        var processDown = Assert.Single(downs);
        Assert.Equal((monitor, process.Self), (processDown.Monitor, processDown.Target));
    }

    [Fact]
    public async Task A_client_node_whose_gateway_silo_is_killed_attaches_to_another_and_carries_on()
    {
        await using var cluster = await ClientNodeCluster.StartAsync(3);

        // The in-process kill still runs the silo's leave (with a cancelled token): its last welcome may reach the client
        // before the connection drops (Left), or not (ConnectionClosed).
        await FailOverAsync(cluster, gateway => cluster.Cluster.KillSiloAsync(gateway), NodeDownReason.ConnectionClosed, NodeDownReason.Left);
    }

    [Fact]
    public async Task A_client_node_whose_gateway_silo_stops_is_told_by_its_last_welcome_and_attaches_to_another()
    {
        await using var cluster = await ClientNodeCluster.StartAsync(3);
        await FailOverAsync(cluster, gateway => cluster.Cluster.StopSiloAsync(gateway), NodeDownReason.Left);
    }

    /// <summary>Stops the client's gateway (never the test cluster's first silo) and checks the client's nodedown, its new gateway, and calls both ways with every survivor.</summary>
    private static async Task FailOverAsync(PartisanCluster cluster, Func<Orleans.TestingHost.InProcessSiloHandle, Task> stop, params NodeDownReason[] reasons)
    {
        await cluster.WaitForConvergedAsync();
        var client = cluster.ClientNode();
        var gateway = await cluster.WaitForGatewayAsync();
        if (gateway == cluster.Silos[0])
        {
            // The test cluster's first silo is not stopped; moving the client away from it is the same failover, by hand.
            await client.DisconnectNodeAsync(cluster.Node(gateway).Name);
            gateway = await cluster.WaitForGatewayAsync(s => s != cluster.Silos[0]);
        }

        var lost = cluster.Node(gateway).Name;
        using var watching = new CancellationTokenSource();
        var nodedown = Eventually.First(client.WatchNodesAsync(watching.Token), e => e.Kind == NodeEventKind.Down && e.Node == lost, PartisanCluster.Timeout, $"nodedown {lost} at the client");

        await stop(gateway);

        var down = await nodedown;
        Assert.True(down.Reason is { } reason && reasons.Contains(reason), $"nodedown {lost} at the client with reason {string.Join(" or ", reasons)}; it was {down.Reason}");
        var next = await cluster.WaitForGatewayAsync(s => s != gateway);
        Assert.NotEqual(lost, cluster.Node(next).Name);

        var survivors = cluster.Silos.Where(s => s != gateway).ToList();
        using var echo = client.RegisterReceiver("client-echo", m => _ = m.ReplyAsync(new Ping("client re: " + ((Ping)m.Message).Text)));
        foreach (var silo in survivors)
        {
            var node = cluster.Node(silo);
            using var registration = node.RegisterReceiver("echo", m => _ = m.ReplyAsync(new Ping("re: " + ((Ping)m.Message).Text)));
            Assert.Equal("re: after", (await client.CallAsync<Ping>(node.Name, PartisanTarget.Named("echo"), new Ping("after"), timeout: PartisanCluster.Timeout).WaitAsync(PartisanCluster.Timeout)).Text);
            Assert.Equal("client re: " + node.Name, (await node.CallAsync<Ping>(client.Name, PartisanTarget.Named("client-echo"), new Ping(node.Name.Value), timeout: PartisanCluster.Timeout).WaitAsync(PartisanCluster.Timeout)).Text);
        }
    }

    [Fact]
    public async Task A_gateway_that_the_client_left_detaches_it_after_three_missed_renewals_and_the_other_silos_follow_the_new_route()
    {
        await using var cluster = await ClientNodeCluster.StartAsync(3);
        await cluster.WaitForConvergedAsync();
        var client = cluster.ClientNode();
        var first = await cluster.WaitForGatewayAsync();
        var left = (Runtime.PartisanNode)cluster.Node(first);
        await Eventually.Until(() => left.AttachedClients.SequenceEqual([client.Name]), PartisanCluster.Timeout, () => $"{left.Name} to have attached the client; attached [{string.Join(", ", left.AttachedClients)}]");

        // The client drops its own connection to the gateway; the gateway's connection to the client stays open.
        await client.DisconnectNodeAsync(left.Name);
        var second = await cluster.WaitForGatewayAsync(s => s != first);

        await Eventually.Until(() => !left.IsConnected(client.Name) && left.AttachedClients.Count == 0, PartisanCluster.Timeout, () => $"{left.Name} detached the client that stopped renewing; connected {left.IsConnected(client.Name)}, attached [{string.Join(", ", left.AttachedClients)}]");
        // The client is attached (welcomed) by its new gateway a moment after the connection WaitForGatewayAsync saw.
        await Eventually.Until(
            () => ((Runtime.PartisanNode)cluster.Node(second)).AttachedClients.SequenceEqual([client.Name]),
            PartisanCluster.Timeout,
            () => $"{cluster.Node(second).Name} to have attached the client; attached [{string.Join(", ", ((Runtime.PartisanNode)cluster.Node(second)).AttachedClients)}]");

        // The client settles on its new gateway (a call routed over a connection it does not keep would see it go down).
        await cluster.WaitForOneGatewayAsync(cluster.Node(second).Name);
        using var echo = client.RegisterReceiver("client-echo", m => _ = m.ReplyAsync(new Ping("client re: " + ((Ping)m.Message).Text)));
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal("client re: " + node.Name, (await node.CallAsync<Ping>(client.Name, PartisanTarget.Named("client-echo"), new Ping(node.Name.Value), timeout: PartisanCluster.Timeout).WaitAsync(PartisanCluster.Timeout)).Text);
        }
    }
}

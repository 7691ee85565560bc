using System.Collections.Concurrent;

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
        var gateway = await cluster.WaitForGatewayAsync();

        // A client node: no member of any silo's peer service, connected to its gateway only.
        Assert.StartsWith("client:", client.Name.Value, StringComparison.Ordinal);
        Assert.All(cluster.Nodes, n => Assert.DoesNotContain(client.Name, n.GetNodes(NodeSelection.Known)));
        Assert.Equal([cluster.Node(gateway).Name], client.GetNodes(NodeSelection.Connected));
        Assert.Equal(1, cluster.Nodes.Count(n => n.IsConnected(client.Name)));

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
}

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>Transitive forwarding: messages for a node without a direct connection are relayed by neighbours.</summary>
[Collection("Runtime")]
public sealed class TransitiveForwardingTests
{
    [Fact]
    public async Task A_message_for_a_node_without_a_connection_is_relayed_and_delivered_once()
    {
        await using var nodes = new TestNodes();
        var (a, b, c) = await TriangleAsync(nodes);
        await a.DisconnectNodeAsync(c.Name);
        Assert.False(a.IsConnected(c.Name));
        var got = new List<ReceivedMessage>();
        using var inbox = c.RegisterReceiver("inbox", m => { lock (got) { got.Add(m); } });

        await Assert.ThrowsAsync<NodeNotConnectedException>(() => a.ForwardMessageAsync(c.Name, PartisanTarget.Named("inbox"), new Note("direct")).AsTask());
        await a.ForwardMessageAsync(c.Name, PartisanTarget.Named("inbox"), new Note("relayed"), new ForwardOptions { Transitive = true, Channel = "bulk" });
        await a.ForwardMessageAsync(b.Name, PartisanTarget.Named("inbox"), new Note("barrier"), new ForwardOptions { Transitive = true });

        await TestNodes.WaitUntilAsync(() => { lock (got) { return got.Count >= 1; } }, () => "the relayed message at c");

        // b relays it to c, and the copy a gives b is the only one: c delivers it once, from a.
        using var barrier = c.CreateMailbox();
        await b.ForwardMessageAsync(c.Name, barrier.Self, new Note("after"));
        using var timeout = new CancellationTokenSource(TestNodes.Timeout);
        await barrier.ReceiveAsync(timeout.Token);
        lock (got)
        {
            var relayed = Assert.Single(got);
            Assert.Equal((a.Name, "bulk", "relayed"), (relayed.From, relayed.Channel, ((Note)relayed.Message).Text));
        }
    }

    [Fact]
    public async Task A_relay_with_no_neighbour_to_go_to_is_counted()
    {
        using var counter = new UndeliverableCounter();
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync();
        await b.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => a.IsFullyConnected(b.Name), () => "a connected to b");

        await a.ForwardMessageAsync(new NodeName("ghost"), PartisanTarget.Named("inbox"), new Note("nowhere"), new ForwardOptions { Transitive = true });

        await TestNodes.WaitUntilAsync(() => counter["relay-no-route"] == 1, () => $"one relay-no-route at b, counted {counter["relay-no-route"]}");
    }

    [Fact]
    public async Task A_transitive_forward_with_no_connection_at_all_is_an_error_at_the_sender()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        await Assert.ThrowsAsync<NodeNotConnectedException>(() => a.ForwardMessageAsync(new NodeName("ghost"), PartisanTarget.Named("x"), new Note("?"), new ForwardOptions { Transitive = true }).AsTask());
    }

    private static async Task<(Orleans.Partisan.Runtime.PartisanNode, Orleans.Partisan.Runtime.PartisanNode, Orleans.Partisan.Runtime.PartisanNode)> TriangleAsync(TestNodes nodes)
    {
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync();
        var c = await nodes.StartAsync();
        await b.JoinAsync(a.Spec);
        await c.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => nodes.Nodes.All(n => nodes.Nodes.All(m => m == n || n.IsFullyConnected(m.Name))), () => "a triangle");
        return (a, b, c);
    }
}

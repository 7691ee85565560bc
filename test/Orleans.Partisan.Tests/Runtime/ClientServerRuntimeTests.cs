using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>
/// The client-server peer service on real sockets: two servers and two clients; the clients never connect to each other,
/// and every kind of message from one client to the other goes through a server without the caller asking.
/// </summary>
[Collection("Runtime")]
public sealed class ClientServerRuntimeTests
{
    private static async Task<(PartisanNode S1, PartisanNode S2, PartisanNode C1, PartisanNode C2)> StartAsync(PeerServiceNodes nodes)
    {
        var s1 = await nodes.StartClientServerAsync(PartisanNodeRole.Server);
        var s2 = await nodes.StartClientServerAsync(PartisanNodeRole.Server);
        var c1 = await nodes.StartClientServerAsync(PartisanNodeRole.Client);
        var c2 = await nodes.StartClientServerAsync(PartisanNodeRole.Client);

        // As the membership follower does: each server joins every node, the clients join no one.
        using var timeout = new CancellationTokenSource(TestNodes.Timeout);
        foreach (var server in new[] { s1, s2 })
        {
            foreach (var other in new[] { s1, s2, c1, c2 }.Where(n => n != server))
            {
                await server.JoinAsync(other.Spec, timeout.Token);
            }
        }

        var all = new[] { s1, s2, c1, c2 };
        await TestNodes.WaitUntilAsync(
            () => all.All(n => n.GetNodes(NodeSelection.Known).Count == 4)
                && new[] { c1, c2 }.All(c => c.IsFullyConnected(s1.Name) && c.IsFullyConnected(s2.Name))
                && new[] { s1, s2 }.All(s => all.Where(n => n != s).All(n => s.IsFullyConnected(n.Name))),
            () => "every node knowing all four and connected as the roles say; " + string.Join("; ", all.Select(n => $"{TestNodes.Known(n)} connected to [{string.Join(",", n.GetNodes(NodeSelection.Connected))}]")));
        return (s1, s2, c1, c2);
    }

    [Fact]
    public async Task Clients_connect_to_the_servers_only_and_know_the_other_clients()
    {
        await using var nodes = new PeerServiceNodes();
        var (s1, s2, c1, c2) = await StartAsync(nodes);

        Assert.Equal(new[] { s1.Name, s2.Name }.Order(), c1.GetNodes(NodeSelection.Connected));
        Assert.False(c1.IsConnected(c2.Name));
        Assert.False(c2.IsConnected(c1.Name));
        Assert.DoesNotContain(c1.GetConnections(), c => c.Peer == c2.Name);
        Assert.Equal(new[] { s2.Name, c1.Name, c2.Name }.Order(), s1.GetNodes(NodeSelection.Connected));
        Assert.NotNull(c1.GetNodeSpec(c2.Name));
    }

    [Fact]
    public async Task Forward_cast_call_acked_and_causal_messages_from_client_to_client_arrive_through_a_server()
    {
        await using var nodes = new PeerServiceNodes();
        var (_, _, c1, c2) = await StartAsync(nodes);
        using var inbox = c2.CreateMailbox();
        using var timeout = new CancellationTokenSource(TestNodes.Timeout);

        await c1.ForwardMessageAsync(c2.Name, inbox.Self, new Note("forward"));
        await c1.CastMessageAsync(c2.Name, inbox.Self, new Note("cast"), new ForwardOptions { Channel = "bulk" });
        await c1.ForwardMessageAsync(c2.Name, inbox.Self, new Note("acked"), new ForwardOptions { Ack = true });
        await c1.ForwardMessageAsync(c2.Name, inbox.Self, new Note("causal"), new ForwardOptions { CausalLabel = "l" });

        var texts = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var received = await inbox.ReceiveAsync(timeout.Token);
            Assert.Equal(c1.Name, received.From);
            texts.Add(((Note)received.Message).Text);
        }

        Assert.Equal(["acked", "cast", "causal", "forward"], texts.Order());
        Assert.False(c1.IsConnected(c2.Name));
    }

    [Fact]
    public async Task A_call_from_client_to_client_gets_its_reply_through_a_server()
    {
        await using var nodes = new PeerServiceNodes();
        var (_, _, c1, c2) = await StartAsync(nodes);
        using var server = c2.CreateMailbox();
        using var timeout = new CancellationTokenSource(TestNodes.Timeout);

        var call = c1.CallAsync<Note>(c2.Name, server.Self, new Note("ping"), timeout: TestNodes.Timeout);
        var request = await server.ReceiveAsync(timeout.Token);
        Assert.Equal(c1.Name, request.From);
        await request.ReplyAsync(new Note("pong"));

        Assert.Equal("pong", (await call).Text);
    }
}

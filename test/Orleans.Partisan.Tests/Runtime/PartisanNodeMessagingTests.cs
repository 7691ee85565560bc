namespace Orleans.Partisan.Tests.Runtime;

/// <summary>Forwarding, local delivery and the errors of the messaging API, over real loopback sockets.</summary>
[Collection("Runtime")]
public sealed class PartisanNodeMessagingTests
{
    [Fact]
    public async Task A_mailbox_ref_travels_in_a_message_so_the_receiver_can_reply()
    {
        await using var nodes = new TestNodes();
        var (a, b) = await PairAsync(nodes);
        using var replies = a.CreateMailbox();
        using var echo = b.RegisterReceiver("echo", m =>
        {
            var note = (Note)m.Message;
            _ = b.ForwardMessageAsync(m.From, note.ReplyTo!, new Note("re: " + note.Text)).AsTask();
        });

        await a.CastMessageAsync(b.Name, PartisanTarget.Named("echo"), new Note("ping", replies.Self), new ForwardOptions { Channel = "bulk", PartitionKey = 3 });

        using var timeout = new CancellationTokenSource(TestNodes.Timeout);
        var reply = await replies.ReceiveAsync(timeout.Token);
        Assert.Equal("re: ping", ((Note)reply.Message).Text);
        Assert.Equal(b.Name, reply.From);
        Assert.Equal(a.Name, replies.Self.Node);
    }

    [Fact]
    public async Task Forward_to_the_local_node_is_delivered_directly()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        using var box = a.CreateMailbox();
        await a.ForwardMessageAsync(a.Name, box.Self, new Note("self"));
        Assert.True(box.TryReceive(out var m));
        Assert.Equal((a.Name, "self"), (m.From, ((Note)m.Message).Text));
    }

    [Fact]
    public async Task Undeliverable_messages_are_counted_at_the_receiver_and_a_throwing_receiver_does_not_stop_the_connection()
    {
        using var counter = new UndeliverableCounter();
        await using var nodes = new TestNodes();
        var (a, b) = await PairAsync(nodes);
        var got = new List<string>();
        using var fragile = b.RegisterReceiver("fragile", m =>
        {
            var text = ((Note)m.Message).Text;
            if (text == "boom")
            {
                throw new InvalidOperationException("receiver failed on purpose");
            }

            lock (got)
            {
                got.Add(text);
            }
        });
        var closed = b.CreateMailbox();
        closed.Dispose();

        await a.ForwardMessageAsync(b.Name, PartisanTarget.Named("nobody"), new Note("lost"));
        await a.ForwardMessageAsync(b.Name, closed.Self, new Note("lost"));
        await a.ForwardMessageAsync(b.Name, PartisanTarget.Grain(GrainId.Create("test", "g")), new Note("lost"));
        await a.ForwardMessageAsync(b.Name, PartisanTarget.Named("fragile"), new Note("boom"));
        await a.ForwardMessageAsync(b.Name, PartisanTarget.Named("fragile"), new Note("after"));

        await TestNodes.WaitUntilAsync(() => { lock (got) { return got.Contains("after"); } }, () => "the message after the throwing one");
        Assert.Equal(2, counter["unknown-target"]);
        Assert.Equal(1, counter["no-grain-runtime"]);
        Assert.Equal(1, counter["receiver-failed"]);
        Assert.True(a.IsFullyConnected(b.Name));
    }

    [Fact]
    public async Task Sender_side_errors_are_specific_exceptions_and_counted()
    {
        using var counter = new UndeliverableCounter();
        await using var nodes = new TestNodes();
        var (a, b) = await PairAsync(nodes);

        await Assert.ThrowsAsync<UnknownChannelException>(() => a.ForwardMessageAsync(b.Name, PartisanTarget.Named("x"), new Note("?"), new ForwardOptions { Channel = "nope" }).AsTask());
        await Assert.ThrowsAsync<UnknownNodeException>(() => a.ForwardMessageAsync(new NodeName("stranger"), PartisanTarget.Named("x"), new Note("?")).AsTask());
        var unserializable = await Assert.ThrowsAsync<MessageSerializationException>(() => a.ForwardMessageAsync(b.Name, PartisanTarget.Named("x"), new NotSerializableNote()).AsTask());
        Assert.Contains(nameof(NotSerializableNote), unserializable.Message);
        Assert.Throws<UnknownChannelException>(() => a.IsConnected(b.Name, "nope"));

        Assert.Equal(1, counter["unknown-channel"]);
        Assert.Equal(1, counter["unknown-node"]);
        Assert.Equal(1, counter["rejected"]);

        var c = await nodes.StartAsync();
        await c.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => a.IsFullyConnected(c.Name), () => $"{a.Name} connected to {c.Name}");
        var cName = c.Name;
        await c.DisposeAsync();
        await TestNodes.WaitUntilAsync(() => !a.IsConnected(cName), () => $"{a.Name} to lose {cName}");
        var notConnected = await Assert.ThrowsAsync<NodeNotConnectedException>(() => a.ForwardMessageAsync(cName, PartisanTarget.Named("x"), new Note("?")).AsTask());
        Assert.Equal(cName, notConnected.Node);
        Assert.Equal(1, counter["not-connected"]);
    }

    [Fact]
    public async Task Monitor_node_fires_once_and_at_once_for_a_node_that_is_not_connected()
    {
        await using var nodes = new TestNodes();
        var (a, b) = await PairAsync(nodes);
        var seen = new List<NodeEvent>();
        var subscriber = NodeEventSubscriber.Callback(e => { lock (seen) { seen.Add(e); } });

        Assert.False(a.MonitorNode(a.Name, true, subscriber));
        Assert.True(a.MonitorNode(new NodeName("absent"), true, subscriber));
        Assert.True(a.MonitorNode(b.Name, true, subscriber));
        await TestNodes.WaitUntilAsync(() => { lock (seen) { return seen.Count == 1; } }, () => "nodedown of the absent node");
        Assert.Equal(NodeDownReason.NotConnected, seen[0].Reason);

        await b.LeaveAsync();
        await TestNodes.WaitUntilAsync(() => { lock (seen) { return seen.Count == 2; } }, () => $"nodedown of {b.Name}");
        Assert.Equal((b.Name, NodeDownReason.Left), (seen[1].Node, seen[1].Reason));

        await b.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => a.IsConnected(b.Name), () => $"{a.Name} connected to {b.Name} again");
        await b.LeaveAsync();
        await TestNodes.WaitUntilAsync(() => !a.GetNodes(NodeSelection.Known).Contains(b.Name), () => TestNodes.Known(a));
        lock (seen)
        {
            Assert.Equal(2, seen.Count);
        }
    }

    [Fact]
    public async Task Monitor_nodes_without_reasons_hides_them_and_can_be_switched_off_with_an_equal_subscriber()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        using var box = a.CreateMailbox();
        a.MonitorNodes(true, NodeEventSubscriber.Mailbox(box.Self));
        var b = await nodes.StartAsync();
        await b.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => a.IsConnected(b.Name), () => $"{a.Name} connected to {b.Name}");
        await b.LeaveAsync();

        using var timeout = new CancellationTokenSource(TestNodes.Timeout);
        var up = (NodeEvent)(await box.ReceiveAsync(timeout.Token)).Message;
        var down = (NodeEvent)(await box.ReceiveAsync(timeout.Token)).Message;
        Assert.Equal((NodeEventKind.Up, b.Name), (up.Kind, up.Node));
        Assert.Equal((NodeEventKind.Down, b.Name, (NodeDownReason?)null), (down.Kind, down.Node, down.Reason));

        a.MonitorNodes(false, NodeEventSubscriber.Mailbox(box.Self with { }));

        // A subscriber that stays on is the barrier: events are delivered in order, so once it has seen
        // c go down, the delivery of c's nodeup to every subscriber is over.
        var barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var c = await nodes.StartAsync();
        a.MonitorNodes(true, NodeEventSubscriber.Callback(e =>
        {
            if (e.Kind == NodeEventKind.Down && e.Node == c.Name)
            {
                barrier.TrySetResult();
            }
        }));
        await c.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => a.IsConnected(c.Name), () => $"{a.Name} connected to {c.Name}");
        await c.LeaveAsync();
        await barrier.Task.WaitAsync(TestNodes.Timeout);
        Assert.False(box.TryReceive(out _));
    }

    [Fact]
    public async Task Make_ref_is_unique_and_names_its_node()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        var refs = Enumerable.Range(0, 100).Select(_ => a.MakeRef()).ToList();
        Assert.Equal(100, refs.Distinct().Count());
        Assert.All(refs, r => Assert.Equal(a.Name, r.Node));
    }

    private static async Task<(Orleans.Partisan.Runtime.PartisanNode A, Orleans.Partisan.Runtime.PartisanNode B)> PairAsync(TestNodes nodes)
    {
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync();
        await b.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => a.IsFullyConnected(b.Name) && b.IsFullyConnected(a.Name), () => "a pair fully connected");
        return (a, b);
    }
}

public sealed class NotSerializableNote
{
    public int Value { get; set; }
}

using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>Acknowledged forwarding (<see cref="ForwardOptions.Ack"/>) between overlay nodes on loopback.</summary>
[Collection("Runtime")]
public sealed class AckedForwardingTests
{
    private static DeliveryOptions Fast => new() { RetransmitInterval = TimeSpan.FromMilliseconds(100) };
    private static readonly ForwardOptions Acked = new() { Ack = true, PartitionKey = 0 };

    [Fact]
    public async Task An_acked_forward_completes_once_the_receiver_has_the_message()
    {
        await using var nodes = new TestNodes();
        var (a, b, _) = await PairAsync(nodes);
        var inbox = new Inbox();
        using var receiver = b.RegisterReceiver("inbox", inbox.Add);
        using var mailbox = b.CreateMailbox();

        await a.ForwardMessageAsync(b.Name, PartisanTarget.Named("inbox"), new Note("to a receiver"), Acked);
        await a.CastMessageAsync(b.Name, mailbox.Self, new Note("to a mailbox"), Acked);

        Assert.Equal(["to a receiver"], inbox.Texts);
        Assert.True(mailbox.TryReceive(out var posted), "the mailbox got the message before the send completed");
        Assert.Equal(("to a mailbox", true, a.Name), (((Note)posted.Message).Text, posted.IsCast, posted.From));
    }

    [Fact]
    public async Task Lost_copies_and_lost_acknowledgements_are_made_up_for_and_the_message_is_delivered_once()
    {
        using var counters = new DeliveryCounters();
        await using var nodes = new TestNodes();
        var (a, b, faults) = await PairAsync(nodes);
        var inbox = new Inbox();
        using var receiver = b.RegisterReceiver("inbox", inbox.Add);

        faults.DropMessages = true;
        var send = a.ForwardMessageAsync(b.Name, PartisanTarget.Named("inbox"), new Note("once"), Acked).AsTask();
        await TestNodes.WaitUntilAsync(() => faults.Sent.Count >= 3, () => $"three copies sent while they are dropped, saw {faults.Sent.Count}");
        Assert.Empty(inbox.Texts);
        Assert.False(send.IsCompleted, "the send completed before any copy got through");

        faults.DropAcks = true;
        faults.DropMessages = false;
        await TestNodes.WaitUntilAsync(() => counters[PartisanMetrics.MessagesDuplicate, "delivered"] >= 2, () => $"copies dropped as duplicates while acknowledgements are lost; {counters}");
        Assert.False(send.IsCompleted, "the send completed while every acknowledgement was dropped");

        faults.DropAcks = false;
        await send.WaitAsync(TestNodes.Timeout);
        Assert.Equal(["once"], inbox.Texts);
        Assert.True(counters[PartisanMetrics.MessagesRetransmitted] >= 4, counters.ToString());
        Assert.Equal(1, counters[PartisanMetrics.MessagesAcked]);
    }

    [Fact]
    public async Task Messages_of_one_key_arrive_once_and_in_order_across_a_connection_loss()
    {
        await using var nodes = new TestNodes();
        var (a, b, _) = await PairAsync(nodes, gossipInterval: TimeSpan.FromMilliseconds(200));
        var inbox = new Inbox();
        using var receiver = b.RegisterReceiver("inbox", inbox.Add);

        var sends = new List<Task>();
        for (var i = 0; i < 200; i++)
        {
            sends.Add(a.ForwardMessageAsync(b.Name, PartisanTarget.Named("inbox"), new Note($"{i}"), Acked with { Channel = "bulk", PartitionKey = 7 }).AsTask());
            if (i == 50)
            {
                await a.DisconnectNodeAsync(b.Name); // the rest waits, is re-sent on reconnect, or goes in the window
            }
        }

        await Task.WhenAll(sends).WaitAsync(TestNodes.Timeout);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"{i}"), inbox.Texts);
    }

    [Fact]
    public async Task A_full_window_holds_the_next_message_back_until_an_acknowledgement_makes_room()
    {
        await using var nodes = new TestNodes();
        var (a, b, faults) = await PairAsync(nodes, new DeliveryOptions { MaxUnackedMessages = 1, RetransmitInterval = TimeSpan.FromMilliseconds(100) });
        var inbox = new Inbox();
        using var receiver = b.RegisterReceiver("inbox", inbox.Add);

        faults.DropMessages = true;
        var first = a.ForwardMessageAsync(b.Name, PartisanTarget.Named("inbox"), new Note("first"), Acked).AsTask();
        var second = a.ForwardMessageAsync(b.Name, PartisanTarget.Named("inbox"), new Note("second"), Acked).AsTask();
        await TestNodes.WaitUntilAsync(() => faults.Sent.Count >= 3, () => "three copies of the first message");
        Assert.All(faults.Sent, s => Assert.Equal("first", s.Text));

        faults.DropMessages = false;
        await Task.WhenAll(first, second).WaitAsync(TestNodes.Timeout);
        Assert.Equal(["first", "second"], inbox.Texts);
        Assert.Contains(faults.Sent, s => s.Text == "second");
    }

    [Fact]
    public async Task An_acked_send_that_is_never_acknowledged_times_out()
    {
        using var counters = new DeliveryCounters();
        await using var nodes = new TestNodes();
        var (a, b, faults) = await PairAsync(nodes, new DeliveryOptions { RetransmitInterval = TimeSpan.FromMilliseconds(100), AckTimeout = TimeSpan.FromMilliseconds(500) });
        faults.DropMessages = true;

        var timeout = await Assert.ThrowsAsync<AckTimeoutException>(() => a.ForwardMessageAsync(b.Name, PartisanTarget.Named("inbox"), new Note("lost"), Acked).AsTask());

        Assert.Equal(b.Name, timeout.Node);
        Assert.Equal(1, counters[PartisanMetrics.MessagesUndeliverable, "ack-timeout"]);
    }

    [Fact]
    public async Task With_fail_on_node_down_an_acked_send_fails_when_the_connection_goes_and_while_it_is_gone()
    {
        await using var nodes = new TestNodes();
        var (a, b, faults) = await PairAsync(nodes, new DeliveryOptions { RetransmitInterval = TimeSpan.FromMilliseconds(100), FailOnNodeDown = true });
        faults.DropMessages = true;
        var pending = a.ForwardMessageAsync(b.Name, PartisanTarget.Named("inbox"), new Note("pending"), Acked).AsTask();
        await TestNodes.WaitUntilAsync(() => faults.Sent.Count >= 1, () => "the message sent");

        await a.DisconnectNodeAsync(b.Name);

        var down = await Assert.ThrowsAsync<AckNodeDownException>(() => pending.WaitAsync(TestNodes.Timeout));
        Assert.Equal((b.Name, NodeDownReason.Disconnected), (down.Node, down.Reason));
        var notConnected = await Assert.ThrowsAsync<AckNodeDownException>(() => a.ForwardMessageAsync(b.Name, PartisanTarget.Named("inbox"), new Note("later"), Acked).AsTask());
        Assert.Equal(NodeDownReason.NotConnected, notConnected.Reason);
    }

    [Fact]
    public async Task An_acked_send_fails_when_its_node_leaves()
    {
        await using var nodes = new TestNodes();
        var (a, b, faults) = await PairAsync(nodes);
        faults.DropMessages = true;
        var pending = a.ForwardMessageAsync(b.Name, PartisanTarget.Named("inbox"), new Note("pending"), Acked).AsTask();
        await TestNodes.WaitUntilAsync(() => faults.Sent.Count >= 1, () => "the message sent");

        await a.LeaveAsync(b.Name);

        var down = await Assert.ThrowsAsync<AckNodeDownException>(() => pending.WaitAsync(TestNodes.Timeout));
        Assert.Equal(NodeDownReason.Left, down.Reason);
    }

    [Fact]
    public async Task A_transitive_acked_message_and_its_acknowledgement_are_relayed()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync(delivery: Fast);
        var b = await nodes.StartAsync(delivery: Fast);
        var c = await nodes.StartAsync(delivery: Fast);
        await b.JoinAsync(a.Spec);
        await c.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => nodes.Nodes.All(n => nodes.Nodes.All(m => m == n || n.IsFullyConnected(m.Name))), () => "a triangle");
        await a.DisconnectNodeAsync(c.Name);
        await c.DisconnectNodeAsync(a.Name);
        var inbox = new Inbox();
        using var receiver = c.RegisterReceiver("inbox", inbox.Add);

        await a.ForwardMessageAsync(c.Name, PartisanTarget.Named("inbox"), new Note("via b"), new ForwardOptions { Ack = true, Transitive = true }).AsTask().WaitAsync(TestNodes.Timeout);

        Assert.Equal(["via b"], inbox.Texts);
        Assert.False(a.IsConnected(c.Name) || c.IsConnected(a.Name), "a and c reconnected meanwhile: the test did not relay");
    }

    [Fact]
    public async Task An_acked_forward_to_itself_completes_after_delivery_and_one_to_an_unknown_node_is_an_error()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync(delivery: Fast);
        var inbox = new Inbox();
        using var receiver = a.RegisterReceiver("inbox", inbox.Add);

        await a.ForwardMessageAsync(a.Name, PartisanTarget.Named("inbox"), new Note("self"), Acked);

        Assert.Equal(["self"], inbox.Texts);
        await Assert.ThrowsAsync<UnknownNodeException>(() => a.ForwardMessageAsync(new NodeName("ghost"), PartisanTarget.Named("inbox"), new Note("?"), Acked).AsTask());
    }

    internal static async Task<(PartisanNode A, PartisanNode B, DeliveryInterposer Faults)> PairAsync(TestNodes nodes, DeliveryOptions? delivery = null, TimeSpan? gossipInterval = null)
    {
        var faults = new DeliveryInterposer();
        var a = await nodes.StartAsync(gossipInterval, interposer: faults, delivery: delivery ?? Fast);
        var b = await nodes.StartAsync(gossipInterval, interposer: faults, delivery: delivery ?? Fast);
        await b.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => a.IsFullyConnected(b.Name) && b.IsFullyConnected(a.Name), () => "a and b connected");
        return (a, b, faults);
    }
}

/// <summary>Records the texts of the notes a receiver gets, in order.</summary>
internal sealed class Inbox
{
    private readonly List<string> _texts = [];

    public List<string> Texts
    {
        get
        {
            lock (_texts)
            {
                return [.. _texts];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_texts)
            {
                return _texts.Count;
            }
        }
    }

    public void Add(ReceivedMessage message)
    {
        lock (_texts)
        {
            _texts.Add(((Note)message.Message).Text);
        }
    }
}

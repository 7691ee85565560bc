using Orleans.Partisan.Testing;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>Causal forwarding (<see cref="ForwardOptions.CausalLabel"/>) between overlay nodes on loopback.</summary>
[Collection("Runtime")]
public sealed class CausalForwardingTests
{
    // Long enough that the undelayed message is delivered first even on a loaded machine: the plain messages' reordering
    // is the control that shows the delay reorders at all.
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task A_causal_message_waits_for_its_predecessor_sent_on_a_slower_channel()
    {
        using var counters = new DeliveryCounters();
        await using var nodes = new TestNodes();
        var (a, b, faults) = await PairAsync(nodes);
        var inbox = new Inbox();
        using var receiver = b.RegisterReceiver("inbox", inbox.Add);
        using var slowBulk = faults.Delay(Delay, from: a.Name, to: b.Name, channel: "bulk");

        // Without a label, the message on the default channel overtakes the delayed one.
        await Send(a, b, "plain 1", "bulk", label: null);
        await Send(a, b, "plain 2", PartisanChannels.Default, label: null);
        await TestNodes.WaitUntilAsync(() => inbox.Texts.Count == 2, () => $"both plain messages, got [{string.Join(", ", inbox.Texts)}]");
        Assert.Equal(["plain 2", "plain 1"], inbox.Texts);

        // With one, the second waits for the first.
        await Send(a, b, "causal 1", "bulk", label: "orders");
        await Send(a, b, "causal 2", PartisanChannels.Default, label: "orders");
        await TestNodes.WaitUntilAsync(() => inbox.Texts.Count == 4, () => $"both causal messages, got [{string.Join(", ", inbox.Texts)}]");
        Assert.Equal(["causal 1", "causal 2"], inbox.Texts.Skip(2));
        Assert.True(counters[PartisanMetrics.MessagesCausalBuffered] >= 1, counters.ToString());
    }

    [Fact]
    public async Task A_causal_message_waits_for_a_predecessor_its_sender_learned_of_from_another_node()
    {
        await using var nodes = new TestNodes();
        var faults = new PartisanFaults();
        var a = await nodes.StartAsync(interposer: faults);
        var b = await nodes.StartAsync(interposer: faults);
        var c = await nodes.StartAsync(interposer: faults);
        await b.JoinAsync(a.Spec);
        await c.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => nodes.Nodes.All(n => nodes.Nodes.All(m => m == n || n.IsFullyConnected(m.Name))), () => "a triangle");
        var atC = new Inbox();
        using var inboxC = c.RegisterReceiver("inbox", atC.Add);

        // b passes on what it gets from a: its message to c happens after a's message to c.
        using var relayAtB = b.RegisterReceiver("inbox", m => _ = b.ForwardMessageAsync(c.Name, PartisanTarget.Named("inbox"), new Note("from b, after " + ((Note)m.Message).Text), new ForwardOptions { CausalLabel = "chat" }));
        using var slow = faults.Delay(Delay, from: a.Name, to: c.Name);

        await Send(a, c, "from a", PartisanChannels.Default, label: "chat");
        await Send(a, b, "a's news", PartisanChannels.Default, label: "chat");

        await TestNodes.WaitUntilAsync(() => atC.Texts.Count == 2, () => $"both messages at c, got [{string.Join(", ", atC.Texts)}]");
        Assert.Equal(["from a", "from b, after a's news"], atC.Texts);
    }

    [Fact]
    public async Task Acked_causal_messages_to_itself_are_delivered_in_order_and_a_blank_label_is_an_error()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        var inbox = new Inbox();
        using var receiver = a.RegisterReceiver("inbox", inbox.Add);

        await a.ForwardMessageAsync(a.Name, PartisanTarget.Named("inbox"), new Note("1"), new ForwardOptions { CausalLabel = "self", Ack = true });
        await a.ForwardMessageAsync(a.Name, PartisanTarget.Named("inbox"), new Note("2"), new ForwardOptions { CausalLabel = "self", Ack = true });

        Assert.Equal(["1", "2"], inbox.Texts);
        await Assert.ThrowsAsync<ArgumentException>(() => a.ForwardMessageAsync(a.Name, PartisanTarget.Named("inbox"), new Note("?"), new ForwardOptions { CausalLabel = " " }).AsTask());
    }

    private static ValueTask Send(IPartisan from, IPartisan to, string text, string channel, string? label)
        => from.ForwardMessageAsync(to.Name, PartisanTarget.Named("inbox"), new Note(text), new ForwardOptions { Channel = channel, CausalLabel = label });

    private static async Task<(IPartisan A, IPartisan B, PartisanFaults Faults)> PairAsync(TestNodes nodes)
    {
        var faults = new PartisanFaults();
        var a = await nodes.StartAsync(interposer: faults);
        var b = await nodes.StartAsync(interposer: faults);
        await b.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => a.IsFullyConnected(b.Name) && b.IsFullyConnected(a.Name), () => "a and b connected");
        return (a, b, faults);
    }
}

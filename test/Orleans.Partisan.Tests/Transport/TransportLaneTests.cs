using Orleans.Partisan.Tests.Shared;

namespace Orleans.Partisan.Tests.Transport;

public sealed class TransportLaneTests
{
    [Fact]
    public async Task Each_channel_gets_exactly_its_parallelism_in_outbound_lanes_and_the_peer_sees_them_inbound()
    {
        var channels = TestSupport.Channels(("bulk", 3, false));
        await using var a = await TestNode.StartAsync("a", channels: channels);
        await using var b = await TestNode.StartAsync("b", channels: channels);
        a.Transport.Connect(b.Spec);
        a.Transport.Connect(b.Spec); // idempotent
        await a.WaitFullyConnectedAsync(b);
        await TestSupport.WaitUntilAsync(() => b.Inbound(a.Name).Count() == 4, "4 inbound connections at b");

        Assert.Equal([0], a.Outbound(b.Name, PartisanChannels.Default).Select(c => c.Lane));
        Assert.Equal([0, 1, 2], a.Outbound(b.Name, "bulk").Select(c => c.Lane).Order());
        Assert.Equal([0], b.Inbound(a.Name, PartisanChannels.Default).Select(c => c.Lane));
        Assert.Equal([0, 1, 2], b.Inbound(a.Name, "bulk").Select(c => c.Lane).Order());

        // Only a dialled: b has no outbound connections and a no inbound ones.
        Assert.Empty(b.Outbound(a.Name));
        Assert.Empty(a.Inbound(b.Name));
        Assert.True(a.Transport.IsConnected(b.Name, "bulk"));
        Assert.False(b.Transport.IsConnected(a.Name));
        Assert.Equal(["up:b"], a.Events.PeerEvents);
    }

    [Fact]
    public async Task Messages_with_the_same_partition_key_arrive_in_order_over_four_lanes()
    {
        var channels = TestSupport.Channels(("ordered", 4, false));
        await using var a = await TestNode.StartAsync("a", channels: channels);
        await using var b = await TestNode.StartAsync("b", channels: channels);
        a.Transport.Connect(b.Spec);
        await a.WaitFullyConnectedAsync(b);

        const int Keys = 40;
        const int PerKey = 150;
        var sends = new List<Task>();
        for (var worker = 0; worker < 4; worker++)
        {
            var first = worker;
            sends.Add(Task.Run(async () =>
            {
                for (var sequence = 0; sequence < PerKey; sequence++)
                {
                    for (var key = first; key < Keys; key += 4)
                    {
                        await a.Transport.SendAsync(b.Name, "ordered", new Numbered(key, sequence), key, null, default);
                    }
                }
            }));
        }

        await Task.WhenAll(sends).WithTimeout("the sends");
        await b.Events.WaitForMessagesAsync(Keys * PerKey, "every keyed message");
        var byKey = b.Events.Messages.Select(m => (Numbered)m.Message).GroupBy(m => m.Key);
        Assert.Equal(Keys, byKey.Count());
        foreach (var group in byKey)
        {
            Assert.Equal(Enumerable.Range(0, PerKey), group.Select(m => m.Sequence));
        }

        Assert.All(b.Events.Messages, m => Assert.Equal("ordered", m.Channel));
    }

    [Fact]
    public async Task Unknown_channels_and_unconnected_peers_are_clear_errors()
    {
        await using var a = await TestNode.StartAsync("a");
        await using var b = await TestNode.StartAsync("b");
        var unknown = Assert.Throws<UnknownChannelException>(() => a.Transport.SendAsync(b.Name, "nope", new Numbered(0, 0), null, null, default));
        Assert.Equal("nope", unknown.Channel);
        var notConnected = Assert.Throws<NodeNotConnectedException>(() => a.Transport.SendAsync(b.Name, PartisanChannels.Default, new Numbered(0, 0), null, null, default));
        Assert.Equal(b.Name, notConnected.Node);
        Assert.False(a.Transport.IsConnected(b.Name));
        Assert.False(a.Transport.IsFullyConnected(b.Name));
    }

    [Fact]
    public async Task A_channel_without_open_lanes_falls_back_to_the_default_channel()
    {
        // b does not know 'bulk': it refuses a's bulk lanes, so only the default lane opens.
        await using var a = await TestNode.StartAsync("a", channels: TestSupport.Channels(("bulk", 2, false)));
        await using var b = await TestNode.StartAsync("b");
        a.Transport.Connect(b.Spec);
        await TestSupport.WaitUntilAsync(() => a.Transport.IsConnected(b.Name, PartisanChannels.Default), "the default lane open");
        Assert.False(a.Transport.IsConnected(b.Name, "bulk"));
        Assert.False(a.Transport.IsFullyConnected(b.Name));

        await a.Transport.SendAsync(b.Name, "bulk", new Numbered(5, 5), null, null, default);
        await b.Events.WaitForMessagesAsync(1, "the message sent on 'bulk'");
        Assert.Equal(PartisanChannels.Default, Assert.Single(b.Events.Messages).Channel);
    }

    [Fact]
    public async Task Peer_down_when_the_peer_goes_away_and_up_for_its_replacement()
    {
        await using var a = await TestNode.StartAsync("a", channels: TestSupport.Channels(("bulk", 2, false)));
        var b = await TestNode.StartAsync("b", channels: TestSupport.Channels(("bulk", 2, false)));
        a.Transport.Connect(b.Spec);
        await a.WaitFullyConnectedAsync(b);
        await b.DisposeAsync();
        await TestSupport.WaitUntilAsync(() => a.Events.Count("down:b") == 1, "b reported down");
        // The peer's sockets close with a FIN, or with a reset if it had unread bytes: either is the peer going away.
        var down = a.Events.PeerEvents[1];
        Assert.Equal("up:b", a.Events.PeerEvents[0]);
        Assert.True(down is "down:b:PeerClosed" or "down:b:ConnectionLost", down);
        Assert.Throws<NodeNotConnectedException>(() => a.Transport.SendAsync(b.Name, PartisanChannels.Default, new Numbered(0, 0), null, null, default));
        a.Transport.Disconnect(b.Name);

        await using var b2 = await TestNode.StartAsync("b2", channels: TestSupport.Channels(("bulk", 2, false)));
        a.Transport.Connect(b2.Spec);
        await a.WaitFullyConnectedAsync(b2);
        await TestSupport.WaitUntilAsync(() => a.Events.Count("up:b2") == 1, "b2 reported up");
        Assert.Equal(["up:b", down, "up:b2"], a.Events.PeerEvents);
    }

    [Fact]
    public async Task Lanes_are_redialled_when_the_peer_comes_back_at_the_same_port()
    {
        await using var a = await TestNode.StartAsync("a");

        // b binds its port again after a redials it: an OS-chosen port could be taken in between (SafePorts).
        var port = SafePorts.Take();
        var b = await TestNode.StartAsync("b", port: port);
        a.Transport.Connect(b.Spec);
        await a.WaitFullyConnectedAsync(b);
        await b.DisposeAsync();
        await TestSupport.WaitUntilAsync(() => a.Events.Count("down:b") == 1, "b reported down");

        await using var again = await TestNode.StartAsync("b", port: port);
        await TestSupport.WaitUntilAsync(() => a.Events.Count("up:b") == 2, "b reported up again after redialling");
        await a.Transport.SendAsync(again.Name, PartisanChannels.Default, new Numbered(1, 2), null, null, default);
        await again.Events.WaitForMessagesAsync(1, "a message over the redialled lane");
    }

    [Fact]
    public async Task Disconnect_sends_what_is_queued_then_reports_the_peer_down()
    {
        await using var a = await TestNode.StartAsync("a");
        await using var b = await TestNode.StartAsync("b");
        a.Transport.Connect(b.Spec);
        await a.WaitFullyConnectedAsync(b);
        for (var i = 0; i < 500; i++)
        {
            await a.Transport.SendAsync(b.Name, PartisanChannels.Default, new Numbered(0, i), null, null, default);
        }

        a.Transport.Disconnect(b.Name);
        await b.Events.WaitForMessagesAsync(500, "everything queued before the disconnect");
        await TestSupport.WaitUntilAsync(() => a.Events.Count("down:b:Disconnected") == 1, "b reported down as disconnected");
        Assert.False(a.Transport.IsConnected(b.Name));
        await TestSupport.WaitUntilAsync(() => !b.Inbound(a.Name).Any(), "b's inbound connection closed");
        Assert.Equal(Enumerable.Range(0, 500), b.Events.Messages.Select(m => ((Numbered)m.Message).Sequence));
    }

    [Fact]
    public async Task Sending_a_small_message_allocates_next_to_nothing()
    {
        await using var a = await TestNode.StartAsync("a");
        await using var b = await TestNode.StartAsync("b");
        a.Transport.Connect(b.Spec);
        await a.WaitFullyConnectedAsync(b);
        var message = new Blob(1, 1, new byte[40]);

        // Bursts of sends that return at once (measured on the sending thread), then wait for the
        // queue to drain so pooled buffers come back, as they do in a steady stream.
        const int Burst = 32;
        const int Rounds = 60;
        long allocated = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Burst; i++)
            {
                var pending = a.Transport.SendAsync(b.Name, PartisanChannels.Default, message, i, null, default);
                Assert.True(pending.IsCompletedSuccessfully);
            }

            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            await TestSupport.WaitUntilAsync(() => a.Outbound(b.Name).Sum(c => c.QueuedMessages) == 0, "the queue drained");
        }

        var perMessage = allocated / (double)(Burst * Rounds);
        Assert.True(perMessage < 64, $"SendAsync allocated {perMessage:0.#} bytes per 64-byte message");
        await b.Events.WaitForMessagesAsync(Burst * Rounds, "every message");
    }
}

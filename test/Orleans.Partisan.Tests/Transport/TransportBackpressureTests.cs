namespace Orleans.Partisan.Tests.Transport;

public sealed class TransportBackpressureTests
{
    private static int QueueLength(TestNode node, NodeName peer, string channel)
        => node.Outbound(peer, channel).Sum(c => c.QueuedMessages);

    [Fact]
    public async Task A_stalled_peer_makes_senders_wait_without_the_queue_growing_past_its_capacity()
    {
        const int Capacity = 16;
        await using var a = await TestNode.StartAsync("a", configure: s => s with { SendQueueCapacity = Capacity });
        await using var peer = new StalledPeer("p", "main", TestSupport.Channels());
        a.Transport.Connect(peer.Spec);
        await TestSupport.WaitUntilAsync(() => a.Transport.IsFullyConnected(peer.Spec.Name), "the lane to the stalled peer");

        // Send until a send has waited a whole second: the peer's and our socket buffers are then full
        // and the writer is stuck (on this machine that takes some tens of MiB; the loop is bounded).
        // The second is not a synchronisation: it only decides when to stop sending; what is asserted
        // below (a full queue, a send that stays pending until the peer reads) holds or fails regardless.
        var payload = new byte[64 * 1024];
        Task? waiting = null;
        var sent = 0;
        var maxQueued = 0;
        for (; sent < 4000 && waiting is null; sent++)
        {
            var pending = a.Transport.SendAsync(peer.Spec.Name, PartisanChannels.Default, new Blob(0, sent, payload), null, null, default).AsTask();
            maxQueued = Math.Max(maxQueued, QueueLength(a, peer.Spec.Name, PartisanChannels.Default));
            if (!pending.IsCompleted && await Task.WhenAny(pending, Task.Delay(TimeSpan.FromSeconds(1))) != pending)
            {
                waiting = pending;
            }
        }

        sent--;
        Assert.NotNull(waiting);
        Assert.True(maxQueued <= Capacity, $"the queue held {maxQueued} messages, more than its capacity {Capacity}");
        Assert.Equal(Capacity, QueueLength(a, peer.Spec.Name, PartisanChannels.Default));

        // A second waiting send is cancelled by its token; the first still waits.
        using var cancel = new CancellationTokenSource();
        var cancelled = a.Transport.SendAsync(peer.Spec.Name, PartisanChannels.Default, new Blob(0, -1, payload), null, null, cancel.Token).AsTask();
        Assert.False(cancelled.IsCompleted);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WithTimeout("the cancelled send"));
        Assert.False(waiting.IsCompleted);
        Assert.True(QueueLength(a, peer.Spec.Name, PartisanChannels.Default) <= Capacity);

        // Once the peer reads, the waiting send completes and everything arrives, in order, without the cancelled one.
        peer.Resume();
        await waiting.WithTimeout("the waiting send to complete after the peer resumed reading");
        await TestSupport.WaitUntilAsync(() => peer.Received.Count == sent + 1, $"{sent + 1} messages at the resumed peer");
        Assert.Equal(Enumerable.Range(0, sent + 1), peer.Received.Select(r => ((Blob)r.Message).Sequence));
        a.Transport.Disconnect(peer.Spec.Name);
    }

    [Fact]
    public async Task A_monotonic_channel_to_a_stalled_peer_keeps_one_queued_message_per_key_and_sends_the_last_values()
    {
        const string Channel = "mono-stalled";
        var channels = TestSupport.Channels((Channel, 2, true));
        using var superseded = new CounterProbe(PartisanMetrics.MessagesSuperseded, "channel", Channel);
        await using var a = await TestNode.StartAsync("a", channels: channels, configure: s => s with { SendQueueCapacity = 64 });
        await using var peer = new StalledPeer("p", "main", channels);
        a.Transport.Connect(peer.Spec);
        await TestSupport.WaitUntilAsync(() => a.Transport.IsFullyConnected(peer.Spec.Name), "the lanes to the stalled peer");

        // Far more bytes than loopback socket buffers hold (tens of MiB), so the writers stall while keys
        // keep changing. No partition key: the supersede key alone keeps each key on one lane.
        const int Keys = 4;
        const int Rounds = 600;
        var payload = new byte[64 * 1024];
        var maxQueued = 0;
        for (var round = 0; round < Rounds; round++)
        {
            for (var key = 0; key < Keys; key++)
            {
                var pending = a.Transport.SendAsync(peer.Spec.Name, Channel, new Blob(key, round, payload), null, supersedeKey: key, default);
                Assert.True(pending.IsCompletedSuccessfully, "a superseding send never waits");
                maxQueued = Math.Max(maxQueued, QueueLength(a, peer.Spec.Name, Channel));
            }
        }

        Assert.True(maxQueued <= Keys, $"the queue held {maxQueued} messages for {Keys} keys");
        Assert.True(superseded.Total > 0, "queued messages were superseded");

        // The writers stall once the peer's socket buffers are full. A writer that keeps up with this loop (it is
        // woken from the thread pool's global queue, so it runs beside it) may not have got there yet: keep the
        // keys changing until a queued message is still there a poll later, untaken. No new value is sent
        // after the last round's, so the last values checked below stay the last.
        var extra = 0;
        await TestSupport.WaitUntilAsync(
            () =>
            {
                if (QueueLength(a, peer.Spec.Name, Channel) > 0)
                {
                    return true;
                }

                extra++;
                for (var key = 0; key < Keys; key++)
                {
                    Assert.True(a.Transport.SendAsync(peer.Spec.Name, Channel, new Blob(key, Rounds - 1 + extra, payload), null, supersedeKey: key, default).IsCompletedSuccessfully, "a superseding send never waits");
                }

                return false;
            },
            "the stalled peer to leave messages queued");
        var last = Rounds - 1 + extra;

        peer.Resume();
        await TestSupport.WaitUntilAsync(
            () => Enumerable.Range(0, Keys).All(k => peer.Received.Any(r => r.Message is Blob b && b.Key == k && b.Sequence == last)),
            "the last value of every key at the resumed peer");
        foreach (var group in peer.Received.Select(r => (Blob)r.Message).GroupBy(b => b.Key))
        {
            var sequences = group.Select(b => b.Sequence).ToList();
            Assert.Equal(sequences.Order(), sequences);
            Assert.Equal(sequences.Distinct().Count(), sequences.Count);
        }

        Assert.True(peer.Received.Count < Keys * (last + 1), "superseded values were not sent");
        a.Transport.Disconnect(peer.Spec.Name);
    }

    [Fact]
    public async Task A_continuously_superseded_key_is_not_starved()
    {
        const string Channel = "mono-flood";
        var channels = TestSupport.Channels((Channel, 1, true));
        await using var a = await TestNode.StartAsync("a", channels: channels);
        await using var b = await TestNode.StartAsync("b", channels: channels);
        a.Transport.Connect(b.Spec);
        await a.WaitFullyConnectedAsync(b);

        // Flood one key without pause; the receiver must keep getting (newer) values meanwhile.
        var payload = new byte[8 * 1024];
        var sequence = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (b.Events.MessageCount < 50 && watch.Elapsed < TestSupport.Timeout)
        {
            await a.Transport.SendAsync(b.Name, Channel, new Blob(0, sequence++, payload), 0, supersedeKey: "k", default);
            if (sequence % 256 == 0)
            {
                await Task.Yield();
            }
        }

        Assert.True(b.Events.MessageCount >= 50, $"only {b.Events.MessageCount} values arrived while {sequence} were sent");
        var last = sequence - 1;
        await TestSupport.WaitUntilAsync(() => b.Events.Messages.Any(m => ((Blob)m.Message).Sequence == last), "the flood's last value");
        var received = b.Events.Messages.Select(m => ((Blob)m.Message).Sequence).ToList();
        Assert.Equal(received.Order(), received);
    }
}

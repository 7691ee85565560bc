using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>
/// The pooled <see cref="OutgoingDelivery"/> of an acknowledged send without a causal label: it goes back to its pool
/// once, after the last of its holders, and a later use is never completed by an earlier one's holders.
/// </summary>
[Collection("Runtime")]
public sealed class PooledAckedSendTests
{
    private static readonly PartisanTarget Inbox = PartisanTarget.Named("inbox");

    [Fact]
    public async Task A_send_cancelled_while_its_acknowledgement_arrives_goes_back_to_the_pool_once_and_its_next_use_is_left_alone()
    {
        var pool = new OutgoingDeliveryPool(4);
        var cancelledWins = 0;
        for (var round = 0; round < 2_000; round++)
        {
            var outgoing = pool.Rent();
            Start(outgoing, round);
            using var cancel = new CancellationTokenSource();
            var wait = outgoing.WaitAsync(cancel.Token);

            // The acknowledgement's batch (which took the tracker's hold) races the cancellation.
            var acknowledged = Task.Run(() =>
            {
                outgoing.TrySetResultInline();
                pool.Release(outgoing);
            });
            cancel.Cancel();
            await acknowledged;
            try
            {
                await wait;
            }
            catch (OperationCanceledException)
            {
                cancelledWins++;
            }

            Assert.Equal((0, 1), (outgoing.References, pool.Count));

            // The sender reads its result again (a misuse): nothing is let go a second time.
            try
            {
                await wait;
            }
            catch (OperationCanceledException)
            {
            }

            Assert.Equal((0, 1), (outgoing.References, pool.Count));

            var again = pool.Rent();
            Assert.Same(outgoing, again);
            Start(again, round);
            var next = again.WaitAsync(CancellationToken.None);
            cancel.Cancel();

            // The first use's task is stale now: reading it fails and lets nothing go.
            Assert.Throws<InvalidOperationException>(() => wait.GetAwaiter().GetResult());
            Assert.False(next.IsCompleted, $"round {round}: the next use was completed by the first one's cancellation");
            Assert.Equal(2, again.References);

            again.TrySetResultInline();
            pool.Release(again);
            await next;
            Assert.Equal((0, 1), (again.References, pool.Count));
            Assert.Throws<InvalidOperationException>(() => again.Release());
            Assert.Same(again, pool.Rent());
            Start(again, round); // what the failed release left is reset by the next start
            again.TrySetResultInline();
            pool.Release(again);
            await again.WaitAsync(CancellationToken.None);
            Assert.Equal(0, again.References);
        }

        Assert.InRange(pool.Count, 1, pool.Capacity);
        Assert.InRange(cancelledWins, 0, 2_000);
    }

    [Fact]
    public async Task A_copy_to_send_again_keeps_the_message_until_it_lets_go()
    {
        var pool = new OutgoingDeliveryPool(4);
        var outgoing = pool.Rent();
        Start(outgoing, 1);
        outgoing.AddRef(); // a retransmission's list
        var wait = outgoing.WaitAsync(CancellationToken.None);

        outgoing.TrySetResultInline();
        await wait;
        pool.Release(outgoing); // the tracker's hold, through the acknowledgement's batch

        Assert.Equal((1, 0), (outgoing.References, pool.Count));
        Assert.Equal(new Note("1"), outgoing.Message);
        pool.Release(outgoing);
        Assert.Equal((0, 1), (outgoing.References, pool.Count));
        Assert.Null(outgoing.Message);
    }

    [Fact]
    public async Task Pooled_acked_sends_arrive_once_and_in_order_across_connection_losses()
    {
        await using var nodes = new TestNodes();
        var (a, b) = await PairAsync(nodes);
        var inbox = new Inbox();
        using var receiver = b.RegisterReceiver("inbox", inbox.Add);
        var options = new ForwardOptions { Ack = true, PartitionKey = 7 };

        const int Count = 3_000;
        var window = new ValueTask[64];
        for (var i = 0; i < Count; i++)
        {
            if (i >= window.Length)
            {
                await window[i % window.Length].AsTask().WaitAsync(TestNodes.Timeout);
                Assert.True(inbox.Count > i - window.Length, $"send {i - window.Length} completed before its message was delivered ({inbox.Count} delivered)");
            }

            window[i % window.Length] = a.ForwardMessageAsync(b.Name, Inbox, new Note($"{i}"), options);
            if (i is 1_000 or 2_000)
            {
                await a.DisconnectNodeAsync(b.Name);
            }
        }

        for (var i = Count - window.Length; i < Count; i++)
        {
            await window[i % window.Length].AsTask().WaitAsync(TestNodes.Timeout);
        }

        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"{i}"), inbox.Texts);
    }

    [Fact]
    public async Task Cancelled_acked_sends_are_still_delivered_once_in_order_and_their_objects_serve_later_sends()
    {
        await using var nodes = new TestNodes();
        var (a, b) = await PairAsync(nodes);
        var inbox = new Inbox();
        using var receiver = b.RegisterReceiver("inbox", inbox.Add);
        var options = new ForwardOptions { Ack = true, PartitionKey = 3 };

        const int Count = 2_000;
        var sends = new List<(int Index, Task Send)>();
        for (var i = 0; i < Count; i++)
        {
            using var cancel = new CancellationTokenSource();
            var send = a.ForwardMessageAsync(b.Name, Inbox, new Note($"{i}"), options, cancel.Token);
            if (i % 3 == 0)
            {
                cancel.Cancel(); // races its acknowledgement
            }

            sends.Add((i, Observe(i, send)));
            if (sends.Count == 128)
            {
                await Task.WhenAll(sends.Select(s => s.Send)).WaitAsync(TestNodes.Timeout);
                sends.Clear();
            }
        }

        await Task.WhenAll(sends.Select(s => s.Send)).WaitAsync(TestNodes.Timeout);
        await TestNodes.WaitUntilAsync(() => inbox.Count == Count, () => $"{Count} messages delivered, saw {inbox.Count}");
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"{i}"), inbox.Texts);

        async Task Observe(int index, ValueTask send)
        {
            try
            {
                await send;

                // Acknowledged only once delivered, and messages of one key are delivered in order.
                Assert.True(inbox.Count > index, $"send {index} completed before its message was delivered ({inbox.Count} delivered)");
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static void Start(OutgoingDelivery outgoing, int round)
        => outgoing.Start(Inbox, new Note($"{round}"), isCast: false, PartisanChannels.Default, partitionKey: null, transitive: false, call: default);

    /// <summary>Two connected nodes without an interposer, so that acknowledged copies go as their pooled objects.</summary>
    private static async Task<(PartisanNode A, PartisanNode B)> PairAsync(TestNodes nodes)
    {
        var delivery = new DeliveryOptions { RetransmitInterval = TimeSpan.FromMilliseconds(200), MaxUnackedMessages = 256 };
        var a = await nodes.StartAsync(TimeSpan.FromMilliseconds(200), delivery: delivery);
        var b = await nodes.StartAsync(TimeSpan.FromMilliseconds(200), delivery: delivery);
        await b.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => a.IsFullyConnected(b.Name) && b.IsFullyConnected(a.Name), () => "a and b connected");
        return (a, b);
    }
}

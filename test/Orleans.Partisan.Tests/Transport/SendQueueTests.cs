using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Transport;

public sealed class SendQueueTests
{
    private static PooledFrame Frame(int key, int sequence) => FrameCodec.Encode(TestSupport.Codec, new Numbered(key, sequence), 1024);

    private static List<Numbered> Drain(SendQueue queue)
    {
        var batch = new PooledFrame[64];
        var result = new List<Numbered>();
        int taken;
        while ((taken = queue.TakeBatch(batch, 64 * 1024)) > 0)
        {
            for (var i = 0; i < taken; i++)
            {
                result.Add(Assert.IsType<Numbered>(TestSupport.DecodeBody(batch[i].Buffer.AsSpan(4, batch[i].BodyLength).ToArray())));
                batch[i].Return();
            }
        }

        return result;
    }

    [Fact]
    public async Task A_full_queue_makes_senders_wait_in_order_until_the_writer_takes_frames()
    {
        var queue = new SendQueue(2, monotonic: false, new NodeName("p"), "c");
        Assert.Equal(EnqueueStatus.Queued, queue.Enqueue(Frame(0, 0), null, default, out _));
        Assert.Equal(EnqueueStatus.Queued, queue.Enqueue(Frame(0, 1), null, default, out _));
        Assert.Equal(EnqueueStatus.Waiting, queue.Enqueue(Frame(0, 2), null, default, out var third));
        Assert.Equal(EnqueueStatus.Waiting, queue.Enqueue(Frame(0, 3), null, default, out var fourth));
        Assert.False(third.IsCompleted);
        Assert.Equal(2, queue.Count);

        var batch = new PooledFrame[1];
        Assert.Equal(1, queue.TakeBatch(batch, 1 << 16));
        batch[0].Return();
        await third.AsTask().WithTimeout("the first waiting sender to be admitted");
        Assert.False(fourth.IsCompleted);
        Assert.Equal(2, queue.Count);
        Assert.Equal([new Numbered(0, 1), new Numbered(0, 2), new Numbered(0, 3)], Drain(queue));
    }

    [Fact]
    public void Admitting_waiting_senders_allocates_nothing_on_the_writers_thread_after_the_first_time()
    {
        // The writer loop admits waiting senders whenever a full queue drains; under a steady stream that is once
        // every queue-length of messages, a cost spread over every message the connection carries.
        const int Capacity = 4;
        var queue = new SendQueue(Capacity, monotonic: false, new NodeName("p"), "c");
        var batch = new PooledFrame[Capacity];
        long allocated = 0;
        for (var round = 0; round < 20; round++)
        {
            while (queue.Count < Capacity)
            {
                Assert.Equal(EnqueueStatus.Queued, queue.Enqueue(Frame(0, round), null, default, out _));
            }

            var waiting = new ValueTask[Capacity];
            for (var i = 0; i < Capacity; i++)
            {
                Assert.Equal(EnqueueStatus.Waiting, queue.Enqueue(Frame(1, i), null, default, out waiting[i]));
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            var taken = queue.TakeBatch(batch, 1 << 16);
            var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            allocated += round == 0 ? 0 : bytes;

            Assert.Equal(Capacity, taken);
            Assert.All(waiting, w => Assert.True(w.IsCompletedSuccessfully, "every waiting sender should be admitted by the batch that made room"));
            Assert.Equal(Capacity, queue.Count);
            for (var i = 0; i < taken; i++)
            {
                batch[i].Return();
            }

            Assert.Equal(Capacity, queue.TakeBatch(batch, 1 << 16));
            for (var i = 0; i < Capacity; i++)
            {
                batch[i].Return();
            }
        }

        Assert.True(allocated == 0, $"taking 19 batches that each admitted {Capacity} waiting senders allocated {allocated} B on the writer's thread; expected none after the first");
    }

    [Fact]
    public async Task A_waiting_sender_is_cancelled_by_its_token_and_failed_when_the_queue_closes()
    {
        var queue = new SendQueue(1, monotonic: false, new NodeName("p"), "c");
        Assert.Equal(EnqueueStatus.Queued, queue.Enqueue(Frame(0, 0), null, default, out _));
        using var cancel = new CancellationTokenSource();
        Assert.Equal(EnqueueStatus.Waiting, queue.Enqueue(Frame(0, 1), null, cancel.Token, out var cancelled));
        Assert.Equal(EnqueueStatus.Waiting, queue.Enqueue(Frame(0, 2), null, default, out var failed));
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.AsTask().WithTimeout("cancellation"));
        queue.Close();
        var error = await Assert.ThrowsAsync<NodeNotConnectedException>(() => failed.AsTask().WithTimeout("failure"));
        Assert.Equal("c", error.Channel);
        Assert.Equal(EnqueueStatus.Closed, queue.Enqueue(Frame(0, 3), null, default, out _));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Monotonic_frames_replace_the_queued_frame_of_their_key_in_place()
    {
        using var superseded = new CounterProbe(PartisanMetrics.MessagesSuperseded, "channel", "queue-unit-mono");
        var queue = new SendQueue(8, monotonic: true, new NodeName("p"), "queue-unit-mono");
        Assert.Equal(EnqueueStatus.Queued, queue.Enqueue(Frame(1, 0), "a", default, out _));
        Assert.Equal(EnqueueStatus.Queued, queue.Enqueue(Frame(2, 0), "b", default, out _));
        Assert.Equal(EnqueueStatus.Queued, queue.Enqueue(Frame(3, 0), null, default, out _));
        for (var i = 1; i <= 100; i++)
        {
            Assert.Equal(EnqueueStatus.Superseded, queue.Enqueue(Frame(1, i), "a", default, out _));
        }

        Assert.Equal(3, queue.Count);
        Assert.Equal(100, superseded.Total);

        // The key kept its position (first), with its newest value.
        Assert.Equal([new Numbered(1, 100), new Numbered(2, 0), new Numbered(3, 0)], Drain(queue));

        // Once sent, the key queues anew.
        Assert.Equal(EnqueueStatus.Queued, queue.Enqueue(Frame(1, 101), "a", default, out _));
    }

    [Fact]
    public void A_non_monotonic_queue_ignores_supersede_keys()
    {
        var queue = new SendQueue(8, monotonic: false, new NodeName("p"), "c");
        Assert.Equal(EnqueueStatus.Queued, queue.Enqueue(Frame(1, 0), "a", default, out _));
        Assert.Equal(EnqueueStatus.Queued, queue.Enqueue(Frame(1, 1), "a", default, out _));
        Assert.Equal(2, Drain(queue).Count);
    }

    [Fact]
    public void Batches_hold_at_most_the_byte_limit_but_always_one_frame()
    {
        var queue = new SendQueue(16, monotonic: false, new NodeName("p"), "c");
        for (var i = 0; i < 10; i++)
        {
            queue.Enqueue(Frame(0, i), null, default, out _);
        }

        var batch = new PooledFrame[16];
        var frameLength = Frame(0, 0).Length;
        Assert.Equal(3, queue.TakeBatch(batch, frameLength * 3 + 1));
        Assert.Equal(1, queue.TakeBatch(batch, 1));
        Assert.Equal(6, queue.Count);
    }
}

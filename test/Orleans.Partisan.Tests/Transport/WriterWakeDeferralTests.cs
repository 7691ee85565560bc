using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Transport;

public sealed class WriterWakeDeferralTests
{
    private static PooledFrame Frame(int sequence) => FrameCodec.Encode(TestSupport.Codec, new Numbered(0, sequence), 1024);

    private static SendQueue NewQueue() => new(16, monotonic: false, new NodeName("p"), "c");

    private static int Take(SendQueue queue)
    {
        var batch = new PooledFrame[16];
        var taken = queue.TakeBatch(batch, 1 << 16);
        for (var i = 0; i < taken; i++)
        {
            batch[i].Return();
        }

        return taken;
    }

    [Fact]
    public async Task Frames_queued_while_deferring_wake_the_parked_writer_once_when_the_work_ends()
    {
        var queue = NewQueue();
        var parked = queue.WaitToReadAsync();
        Assert.False(parked.IsCompleted);

        Assert.True(WriterWakeDeferral.Begin());
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(EnqueueStatus.Queued, queue.Enqueue(Frame(i), null, default, out _));
            Assert.True(queue.IsWriterParked, $"frame {i} should not wake the writer before the work ends");
        }

        WriterWakeDeferral.End();
        Assert.True(await parked.AsTask().WithTimeout("the writer to be woken when the deferring work ended"));
        Assert.Equal(3, Take(queue));
    }

    [Fact]
    public async Task A_frame_from_another_thread_wakes_the_writer_at_once_and_the_end_wakes_nothing_twice()
    {
        // The deferring work runs on one thread without awaiting (as the work that defers does), so Begin and End pair.
        var queue = NewQueue();
        var parked = queue.WaitToReadAsync().AsTask();
        var wait = TimeSpan.FromSeconds(30);
        Assert.True(WriterWakeDeferral.Begin());
        Assert.Equal(EnqueueStatus.Queued, queue.Enqueue(Frame(0), null, default, out _));
        var other = new Thread(() => queue.Enqueue(Frame(1), null, default, out _));
        other.Start();
        Assert.True(other.Join(wait), "the other thread's frame should be queued");
        Assert.False(queue.IsWriterParked, "another thread's frame should wake the writer during the deferral");
        Assert.True(SpinWait.SpinUntil(() => parked.IsCompleted, wait), "the writer should be woken by the other thread's frame");
        Assert.True(parked.IsCompletedSuccessfully && await parked);
        Assert.Equal(2, Take(queue));

        // The writer parks again before the work ends: the end has nothing for it to take, so it stays parked.
        var again = queue.WaitToReadAsync().AsTask();
        WriterWakeDeferral.End();
        Assert.True(queue.IsWriterParked, "the end of the work should not wake a writer with nothing to take");

        Assert.Equal(EnqueueStatus.Queued, queue.Enqueue(Frame(2), null, default, out _));
        Assert.True(await again.WithTimeout("a frame queued after the work to wake the writer as usual"));
    }

    [Fact]
    public async Task A_nested_begin_is_part_of_the_outer_work()
    {
        var queue = NewQueue();
        var parked = queue.WaitToReadAsync();
        Assert.True(WriterWakeDeferral.Begin());
        Assert.False(WriterWakeDeferral.Begin());
        Assert.Equal(EnqueueStatus.Queued, queue.Enqueue(Frame(0), null, default, out _));
        Assert.True(queue.IsWriterParked);

        WriterWakeDeferral.End();
        var over = WriterWakeDeferral.Begin();
        if (over)
        {
            WriterWakeDeferral.End();
        }

        Assert.True(over, "the deferral should be over after the outer end");
        Assert.True(await parked.AsTask().WithTimeout("the outer end to wake the writer"));
    }

    [Fact]
    public async Task A_queue_closed_during_the_work_wakes_its_writer_with_false_once()
    {
        var queue = NewQueue();
        var parked = queue.WaitToReadAsync();
        Assert.True(WriterWakeDeferral.Begin());
        Assert.Equal(EnqueueStatus.Queued, queue.Enqueue(Frame(0), null, default, out _));
        queue.Close();
        WriterWakeDeferral.End();

        Assert.False(await parked.AsTask().WithTimeout("the closing to wake the writer"));
        Assert.False(queue.IsWriterParked);
    }

    [Fact]
    public async Task Beyond_the_most_queues_one_work_holds_back_a_frame_wakes_its_writer_at_once()
    {
        var queues = Enumerable.Range(0, WriterWakeDeferral.MaxQueues + 1).Select(_ => NewQueue()).ToArray();
        var parked = queues.Select(q => q.WaitToReadAsync().AsTask()).ToArray();
        Assert.True(WriterWakeDeferral.Begin());
        foreach (var queue in queues)
        {
            Assert.Equal(EnqueueStatus.Queued, queue.Enqueue(Frame(0), null, default, out _));
        }

        Assert.All(queues[..WriterWakeDeferral.MaxQueues], q => Assert.True(q.IsWriterParked));
        Assert.False(queues[^1].IsWriterParked, "the queue past the limit should wake its writer at once");

        WriterWakeDeferral.End();
        Assert.All(await Task.WhenAll(parked).WithTimeout("every writer to be woken"), Assert.True);
    }
}

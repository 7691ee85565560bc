using System.Collections.Concurrent;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Transport;

public sealed class FramePoolTests
{
    [Theory]
    [InlineData(0, 256)]
    [InlineData(1, 256)]
    [InlineData(256, 256)]
    [InlineData(257, 512)]
    [InlineData(16 * 1024 + 93, 32 * 1024)]
    [InlineData(1024 * 1024, 1024 * 1024)]
    [InlineData(1024 * 1024 + 1, 2 * 1024 * 1024)]
    [InlineData(8 * 1024 * 1024 + 97, 9 * 1024 * 1024)]
    public void Rent_gives_the_size_class_or_the_large_size_of_a_length(int length, int expected)
    {
        var pool = new FramePool(framesInFlight: 8, largeFramesInFlight: 2);
        Assert.Equal(expected, pool.Rent(length).Length);
    }

    [Fact]
    public void What_is_returned_is_what_the_next_rent_gets_and_no_buffer_is_handed_out_twice()
    {
        const int inFlight = 64;
        var pool = new FramePool(inFlight, largeFramesInFlight: 2);
        var first = Enumerable.Range(0, inFlight).Select(_ => pool.Rent(100)).ToList();
        Assert.Equal(inFlight, first.Distinct(ReferenceEqualityComparer.Instance).Count());

        foreach (var array in first)
        {
            pool.Return(array);
        }

        Assert.Equal(inFlight, pool.CountOf(256));
        var second = Enumerable.Range(0, inFlight).Select(_ => pool.Rent(200)).ToList();
        Assert.Equal(inFlight, second.Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.True(second.ToHashSet(ReferenceEqualityComparer.Instance).SetEquals(first), "the second round should reuse exactly the returned arrays");
        Assert.Equal(0, pool.CountOf(256));

        // The pool is empty now: the next rent is a new array, none of those still out.
        var fresh = pool.Rent(10);
        Assert.DoesNotContain(second, array => ReferenceEquals(array, fresh));
    }

    [Fact]
    public void A_class_keeps_no_more_arrays_than_can_be_in_flight()
    {
        var pool = new FramePool(framesInFlight: 4, largeFramesInFlight: 1);
        for (var i = 0; i < 10; i++)
        {
            pool.Return(new byte[256]);
        }

        Assert.Equal(4, pool.CountOf(256));
        Assert.Equal(4 * 256, pool.Retained);

        // Arrays that are no size class are not kept.
        pool.Return(new byte[300]);
        pool.Return(new byte[128]);
        Assert.Equal(4 * 256, pool.Retained);
    }

    [Fact]
    public void All_classes_together_keep_at_most_the_retained_bytes()
    {
        var pool = new FramePool(framesInFlight: 1000, largeFramesInFlight: 1);
        for (var i = 0; i < (FramePool.RetainedBytes / (64 * 1024)) + 100; i++)
        {
            pool.Return(new byte[64 * 1024]);
        }

        Assert.Equal(FramePool.RetainedBytes / (64 * 1024), pool.CountOf(64 * 1024));
        Assert.True(pool.Retained <= FramePool.RetainedBytes);
    }

    [Fact]
    public void Large_arrays_are_reused_best_fit_and_ones_shorter_than_the_last_large_frame_are_dropped()
    {
        var pool = new FramePool(framesInFlight: 8, largeFramesInFlight: 2);
        var three = pool.Rent(3 * 1024 * 1024);
        var five = pool.Rent(5 * 1024 * 1024);
        pool.Return(five);
        pool.Return(three);

        // The smallest kept array long enough.
        Assert.Same(three, pool.Rent(2 * 1024 * 1024 + 5));
        pool.Return(three);

        // Once a 4 MiB frame was serialized, a 3 MiB array would only be skipped: it is not kept.
        pool.NoteFrameLength(4 * 1024 * 1024);
        Assert.Equal(4 * 1024 * 1024, pool.LargeFrameHint);
        Assert.Same(five, pool.Rent(4 * 1024 * 1024));
        Assert.Same(three, pool.Rent(1024 * 1024 + 1));
        pool.Return(three);
        Assert.Equal(0, pool.CountOf(3 * 1024 * 1024));
    }

    [Fact]
    public void A_trim_drops_the_arrays_a_class_did_not_need_since_the_previous_trim_and_keeps_those_it_did()
    {
        var pool = new FramePool(framesInFlight: 64, largeFramesInFlight: 2);

        // A burst of 32 frames in flight, then a steady stream of at most 4.
        var burst = Enumerable.Range(0, 32).Select(_ => pool.Rent(1000)).ToList();
        burst.ForEach(pool.Return);
        Assert.Equal(32, pool.CountOf(1024));

        // The first trim only starts the count: the arrays were pushed since the pool was made.
        Assert.Equal(0, pool.Trim());
        Assert.Equal(32, pool.CountOf(1024));

        for (var round = 0; round < 10; round++)
        {
            var steady = Enumerable.Range(0, 4).Select(_ => pool.Rent(1000)).ToList();
            steady.ForEach(pool.Return);
        }

        // 28 of the 32 stayed in the pool through the whole period: those go, the 4 in use stay.
        Assert.Equal(28 * 1024, pool.Trim());
        Assert.Equal(4, pool.CountOf(1024));
        Assert.Equal(4 * 1024, pool.Retained);

        // Idle for a whole period: nothing is kept.
        Assert.Equal(4 * 1024, pool.Trim());
        Assert.Equal(0, pool.CountOf(1024));
        Assert.Equal(0, pool.Retained);

        // The pool still works after being emptied.
        var again = pool.Rent(1000);
        pool.Return(again);
        Assert.Same(again, pool.Rent(900));
    }

    [Fact]
    public void A_trim_drops_the_large_arrays_once_a_whole_period_passed_without_a_large_frame()
    {
        var pool = new FramePool(framesInFlight: 8, largeFramesInFlight: 4);
        var large = pool.Rent(8 * 1024 * 1024);
        pool.Return(large);
        Assert.Equal(1, pool.CountOf(8 * 1024 * 1024));

        // A large frame was rented in this period: kept.
        Assert.Equal(0, pool.Trim());
        Assert.Same(large, pool.Rent(8 * 1024 * 1024));
        pool.Return(large);
        Assert.Equal(0, pool.Trim());
        Assert.Equal(1, pool.CountOf(8 * 1024 * 1024));

        // None in the next period: given back.
        Assert.Equal(8 * 1024 * 1024, pool.Trim());
        Assert.Equal(0, pool.CountOf(8 * 1024 * 1024));
        Assert.NotSame(large, pool.Rent(8 * 1024 * 1024));
    }

    [Fact]
    public async Task A_sender_and_a_writer_on_two_threads_never_share_a_buffer()
    {
        var pool = new FramePool(framesInFlight: 32, largeFramesInFlight: 2);
        var outstanding = new ConcurrentDictionary<byte[], byte>(ReferenceEqualityComparer.Instance);
        var queue = new BlockingCollection<byte[]>(boundedCapacity: 32);
        var duplicates = 0;
        const int Frames = 50_000;

        // Both loops block, so each gets a thread of its own: on the thread pool, a busy test run
        // could starve them of threads and time the test out with nothing wrong in the pool.
        var sender = Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < Frames; i++)
            {
                var array = pool.Rent(64 + (i % 3 * 200));
                if (!outstanding.TryAdd(array, 0))
                {
                    Interlocked.Increment(ref duplicates);
                }

                queue.Add(array);
            }

            queue.CompleteAdding();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var writer = Task.Factory.StartNew(() =>
        {
            foreach (var array in queue.GetConsumingEnumerable())
            {
                Assert.True(outstanding.TryRemove(array, out _));
                pool.Return(array);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        await Task.WhenAll(sender, writer).WithTimeout($"the sender and the writer to pass {Frames} frames through the pool");
        Assert.Equal(0, duplicates);
        Assert.Empty(outstanding);
    }

    [Fact]
    public void An_encoded_frame_comes_from_the_pool_and_goes_back_to_it()
    {
        var pool = new FramePool(framesInFlight: 4, largeFramesInFlight: 1);
        var frame = FrameCodec.Encode(TestSupport.Codec, new Numbered(1, 2), 1024, pool);
        Assert.Same(pool, frame.Pool);
        var buffer = frame.Buffer;
        frame.Return();
        Assert.Equal(1, pool.CountOf(buffer.Length));

        var next = FrameCodec.Encode(TestSupport.Codec, new Numbered(3, 4), 1024, pool);
        Assert.Same(buffer, next.Buffer);
        Assert.Equal(new Numbered(3, 4), TestSupport.DecodeBody(next.Buffer.AsSpan(4, next.BodyLength).ToArray()));
        next.Return();
    }

    [Fact]
    public void A_large_frame_is_serialized_into_one_array_of_the_last_large_frames_size()
    {
        var pool = new FramePool(framesInFlight: 4, largeFramesInFlight: 2);
        var message = new Blob(1, 1, new byte[3 * 1024 * 1024]);
        var first = FrameCodec.Encode(TestSupport.Codec, message, 4 * 1024 * 1024, pool);
        Assert.Equal(first.Length, pool.LargeFrameHint);
        first.Return();

        var second = FrameCodec.Encode(TestSupport.Codec, message with { Sequence = 2 }, 4 * 1024 * 1024, pool);
        Assert.Same(first.Buffer, second.Buffer);
        Assert.Equal(4 * 1024 * 1024, second.Buffer.Length);
        var decoded = Assert.IsType<Blob>(TestSupport.DecodeBody(second.Memory[4..].ToArray()));
        Assert.Equal(2, decoded.Sequence);
        Assert.Equal(message.Data.Length, decoded.Data.Length);
        second.Return();
    }
}

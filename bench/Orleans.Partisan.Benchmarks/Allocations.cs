using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Benchmarks;

/// <param name="BytesPerMessage">All bytes the sending thread allocated, per call.</param>
/// <param name="Messages">The calls.</param>
/// <param name="CompletedAsynchronously">The calls that had to wait for room in the queue.</param>
/// <param name="BytesPerImmediateCall">Bytes per call, over the calls that completed at once.</param>
/// <param name="BytesPerImmediateCallBesidesBuffers">
/// The same, less the frame buffers the connection's pool allocated in those calls because more
/// frames were in flight than ever before on it (at most queue bound + writer batch per connection).
/// </param>
/// <param name="BufferBytes">All the bytes of frame buffers the pools allocated during the calls.</param>
/// <param name="BytesPerWaitingCall">Bytes per call, over the calls that waited (the wait included).</param>
/// <param name="ImmediateCallP99BesidesBuffers">
/// The 99th percentile of what one call that completed at once allocated, besides new frame buffers:
/// the per-message cost, which an allocation made once in the whole loop does not move.
/// </param>
/// <param name="ImmediateCallsAboveOneObject">The calls that completed at once and allocated more than one ForwardEnvelope besides new frame buffers.</param>
internal sealed record SendAllocations(double BytesPerMessage, long Messages, long CompletedAsynchronously, double BytesPerImmediateCall, double BytesPerImmediateCallBesidesBuffers, long BufferBytes, double BytesPerWaitingCall, long ImmediateCallP99BesidesBuffers, long ImmediateCallsAboveOneObject);

internal sealed record ReceiveAllocations(double BytesPerMessage, double MessageObjectBytes, long Messages, double SenderThreadBytesPerMessage);

/// <summary>Allocations per message on the send path and on the receive path.</summary>
internal static class Allocations
{
    /// <summary>The one object the send path is expected to allocate: the runtime's ForwardEnvelope (x64: header 16 + 2 references + bool, padded).</summary>
    public const int ForwardEnvelopeBytes = 40;

    /// <summary>
    /// <see cref="GC.GetAllocatedBytesForCurrentThread"/> around <paramref name="messages"/> calls of
    /// <c>ForwardMessageAsync</c> on a dedicated thread, after a warm-up of as many on the same thread
    /// (so that what a thread allocates once, such as its cached frame writer, is not counted); the
    /// message is allocated before and reused. A call that returns an uncompleted task (its queue was
    /// full) is waited for there; the bytes of the calls that completed at once and of those that
    /// waited are also counted apart.
    /// </summary>
    public static async Task<SendAllocations> SendPathAsync(OverlayPair pair, ArrivalCounter counter, Payload message, long messages)
    {
        var target = PartisanTarget.Named("sink");
        var node = pair.B.Name;
        SendAllocations? result = null;
        counter.Arm(messages);

        RunOnThread(() =>
        {
            // Warm-up: JIT, pools, the serializer's caches; then until all of it has arrived. Repeated
            // (up to 5 times) until a call had to wait: the queue was full once, so the connection's
            // frame pool holds about as many buffers as can be in flight, and a new high of frames in
            // flight (which allocates their buffers, once per connection) does not land in the
            // measurement. With a queue too deep to fill, one round.
            for (var round = 0; round < 5; round++)
            {
                var warmup = Loop(messages);
                counter.WaitAsync(Throughput.RunTimeout).GetAwaiter().GetResult();
                counter.Arm(messages);
                if (warmup.CompletedAsynchronously > 0 || pair.SendQueueCapacity > 4 * messages)
                {
                    break;
                }
            }

            result = Loop(messages);
        });
        await counter.WaitAsync(Throughput.RunTimeout);
        counter.Disarm();
        return result!;

        SendAllocations Loop(long count)
        {
            long waited = 0, immediateBytes = 0, immediateBufferBytes = 0, waitingBytes = 0;
            var perCall = new long[count]; // before the measurement starts
            var start = GC.GetAllocatedBytesForCurrentThread();
            var buffersStart = FramePool.AllocatedBytes;
            for (long i = 0; i < count; i++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var buffersBefore = FramePool.AllocatedBytes;
                var pending = pair.A.ForwardMessageAsync(node, target, message);
                if (pending.IsCompletedSuccessfully)
                {
                    var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
                    var buffers = FramePool.AllocatedBytes - buffersBefore;
                    immediateBytes += bytes;
                    immediateBufferBytes += buffers;
                    perCall[i - waited] = bytes - buffers;
                    continue;
                }

                waited++;
                pending.AsTask().GetAwaiter().GetResult();
                waitingBytes += GC.GetAllocatedBytesForCurrentThread() - before;
            }

            var total = GC.GetAllocatedBytesForCurrentThread() - start;
            var immediate = count - waited;
            var immediateCalls = perCall.AsSpan(0, (int)immediate);
            immediateCalls.Sort();
            var firstAbove = immediateCalls.IndexOfAnyExceptInRange(0, ForwardEnvelopeBytes);
            return new SendAllocations(
                (double)total / count,
                count,
                waited,
                immediate == 0 ? double.NaN : (double)immediateBytes / immediate,
                immediate == 0 ? double.NaN : (double)(immediateBytes - immediateBufferBytes) / immediate,
                FramePool.AllocatedBytes - buffersStart,
                waited == 0 ? double.NaN : (double)waitingBytes / waited,
                immediate == 0 ? -1 : immediateCalls[(int)Math.Ceiling(0.99 * immediate) - 1],
                firstAbove < 0 ? 0 : immediateCalls.Length - firstAbove);
        }
    }

    /// <summary>
    /// The receive path, estimated: every byte the process allocated during a 64 B throughput run
    /// (<see cref="GC.GetTotalAllocatedBytes"/>, precise) minus what the sending thread allocated
    /// (the sender runs synchronously on a dedicated thread, blocking when the queue is full),
    /// divided by the messages. What remains is the receiving node plus the sender's writer loop.
    /// </summary>
    public static async Task<ReceiveAllocations> ReceivePathAsync(OverlayPair pair, ArrivalCounter counter, Payload message, long messages)
    {
        var target = PartisanTarget.Named("sink");
        var node = pair.B.Name;
        var messageBytes = MessageObjectBytes(message.Data.Length);

        // Warm-up.
        counter.Arm(messages / 4);
        RunOnThread(() => Loop(messages / 4));
        await counter.WaitAsync(Throughput.RunTimeout);
        await Task.Delay(100);

        counter.Arm(messages);
        long senderBytes = 0;
        var totalBefore = GC.GetTotalAllocatedBytes(precise: true);
        var sender = new Thread(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            Loop(messages);
            senderBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        })
        { IsBackground = true, Name = "bench sender" };
        sender.Start();
        await counter.WaitAsync(Throughput.RunTimeout);
        if (!sender.Join(Throughput.RunTimeout))
        {
            throw new BenchmarkTimeoutException("the sender thread did not finish");
        }

        var total = GC.GetTotalAllocatedBytes(precise: true) - totalBefore;
        counter.Disarm();
        return new ReceiveAllocations((double)(total - senderBytes) / messages, messageBytes, messages, (double)senderBytes / messages);

        void Loop(long count)
        {
            for (long i = 0; i < count; i++)
            {
                var pending = pair.A.ForwardMessageAsync(node, target, message);
                if (!pending.IsCompletedSuccessfully)
                {
                    pending.AsTask().GetAwaiter().GetResult();
                }
            }
        }
    }

    /// <summary>What the message itself costs to allocate (the receiver must make one per message): the record and its array.</summary>
    public static long MessageObjectBytes(int payloadSize)
    {
        long bytes = 0;
        RunOnThread(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            GC.KeepAlive(new Payload(new byte[payloadSize]));
            bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        return bytes;
    }

    /// <summary>
    /// What the one object the receive path may allocate besides the message costs: the <see cref="ReceivedMessage"/>
    /// its receiver gets (issue 14, item 1: the message plus one object).
    /// </summary>
    public static long ReceivedMessageBytes()
    {
        long bytes = 0;
        var message = new Payload(new byte[64]);
        RunOnThread(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            GC.KeepAlive(new ReceivedMessage(new NodeName("a"), PartisanChannels.Default, message, IsCast: false));
            bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        return bytes;
    }

    private static void RunOnThread(Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        })
        { IsBackground = true, Name = "bench allocations" };
        thread.Start();
        if (!thread.Join(Throughput.RunTimeout))
        {
            throw new BenchmarkTimeoutException("an allocation loop did not finish");
        }

        if (failure is not null)
        {
            throw new InvalidOperationException("The allocation loop failed.", failure);
        }
    }
}

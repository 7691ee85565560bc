using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// The ceiling: a raw loopback TCP connection with the overlay's batching and nothing else. The
/// sender copies a 4-byte length prefix and the payload into a buffer of a pool that works as the
/// overlay's does (a <see cref="FramePool"/>: the shared array pool missed most
/// 16 KiB frames, so the ceiling spent its time in garbage collections) and puts it on a
/// bounded queue (as many frames as the overlay's default send queue: a bounded channel, or the overlay's own
/// <see cref="SendQueue"/> when <see cref="RawSocketOptions.QueueOfTheOverlay"/> is set); one writer loop takes what is
/// queued and writes it as the overlay's writer does (<see cref="RawSocketOptions.GatherWrites"/>), or
/// coalesced into writes of up to 64 KiB as the ceiling did before (a frame alone is written as is);
/// the reader (a PipeReader with the overlay's inbound buffer sizes, <see cref="InboundConnection.ReaderOptions"/>, unless <see cref="RawSocketOptions.SmallReads"/>) parses the frames, hands each payload to its
/// receiver as a new array when <see cref="RawSocketOptions.DeliverPayloads"/> is set (the overlay's
/// receiver gets its message as one), and counts them.
/// </summary>
internal sealed class RawSocketPair : IAsyncDisposable
{
    private const int MaxBatchBytes = 64 * 1024;
    private const int MaxBatchFrames = 512;

    private readonly Socket _listener;
    private readonly Socket _client;
    private readonly Socket _server;
    private readonly NetworkStream _clientStream;
    private readonly NetworkStream _serverStream;
    private readonly Channel<PooledFrame>? _channel;
    private readonly SendQueue? _sendQueue;
    private PooledFrame? _carried;
    private readonly FramePool _frames;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writer;
    private readonly Task _reader;

    private readonly RawSocketOptions _options;

    private RawSocketPair(Socket listener, Socket client, Socket server, int queueCapacity, RawSocketOptions options)
    {
        _options = options;
        _listener = listener;
        _client = client;
        _server = server;
        _clientStream = new NetworkStream(client, ownsSocket: false);
        _serverStream = new NetworkStream(server, ownsSocket: false);
        if (options.QueueOfTheOverlay)
        {
            _sendQueue = new SendQueue(queueCapacity, monotonic: false, new NodeName("raw"), "raw");
        }
        else
        {
            _channel = Channel.CreateBounded<PooledFrame>(new BoundedChannelOptions(queueCapacity)
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
        }

        _frames = new FramePool(queueCapacity + MaxBatchFrames + 1, queueCapacity + 2);
        _writer = Task.Run(WriteLoopAsync);
        _reader = Task.Run(ReadLoopAsync);
    }

    public ArrivalCounter Counter { get; } = new();

    /// <summary>The last payload handed to the receiver, when <see cref="RawSocketOptions.DeliverPayloads"/> is set.</summary>
    public byte[]? LastPayload { get; private set; }

    public static async Task<RawSocketPair> StartAsync(int queueCapacity, RawSocketOptions options)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accepting = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        var server = await accepting.WaitAsync(TimeSpan.FromSeconds(10));
        return new RawSocketPair(listener, client, server, queueCapacity, options);
    }

    /// <summary>Frames <paramref name="payload"/> and queues it; waits when the queue is full.</summary>
    public ValueTask SendAsync(byte[] payload)
    {
        var length = FramePrefix + payload.Length;
        var buffer = _frames.Rent(length);
        BinaryPrimitives.WriteInt32LittleEndian(buffer, payload.Length);
        payload.CopyTo(buffer.AsSpan(FramePrefix));
        var frame = new PooledFrame(buffer, length, _frames);
        if (_sendQueue is null)
        {
            return _channel!.Writer.WriteAsync(frame);
        }

        return _sendQueue.Enqueue(frame, supersedeKey: null, CancellationToken.None, out var pending) switch
        {
            EnqueueStatus.Waiting => pending,
            EnqueueStatus.Closed => throw new ObjectDisposedException(nameof(RawSocketPair)),
            _ => default,
        };
    }

    private const int FramePrefix = 4;

    private async Task WriteLoopAsync()
    {
        var batch = new PooledFrame[MaxBatchFrames];
        var coalesced = new byte[MaxBatchBytes];
        var segments = _options.GatherWrites ? new List<ArraySegment<byte>>(MaxBatchFrames) : null;
        var maxBatchBytes = _options.GatherWrites ? OutboundConnection.MaxGatherBytes : MaxBatchBytes;
        try
        {
            while (true)
            {
                var taken = await NextBatchAsync(batch, maxBatchBytes);
                if (taken == 0)
                {
                    return;
                }

                var bytes = 0;
                for (var i = 0; i < taken; i++)
                {
                    bytes += batch[i].Length;
                }

                if (taken == 1)
                {
                    await _clientStream.WriteAsync(batch[0].Buffer.AsMemory(0, batch[0].Length), _stop.Token);
                }
                else if (segments is not null && (bytes > OutboundConnection.MaxBatchBytes || bytes / taken >= OutboundConnection.GatherFrameBytes))
                {
                    // The overlay's rule (OutboundConnection): large frames are written from their own buffers in one send.
                    segments.Clear();
                    for (var i = 0; i < taken; i++)
                    {
                        segments.Add(new ArraySegment<byte>(batch[i].Buffer, 0, batch[i].Length));
                    }

                    var sent = await _client.SendAsync(segments, SocketFlags.None);
                    segments.Clear();
                    if (sent != bytes)
                    {
                        throw new IOException($"The socket took {sent} of {bytes} bytes.");
                    }
                }
                else
                {
                    var offset = 0;
                    for (var i = 0; i < taken; i++)
                    {
                        batch[i].Buffer.AsSpan(0, batch[i].Length).CopyTo(coalesced.AsSpan(offset));
                        offset += batch[i].Length;
                    }

                    await _clientStream.WriteAsync(coalesced.AsMemory(0, offset), _stop.Token);
                }

                for (var i = 0; i < taken; i++)
                {
                    batch[i].Return();
                    batch[i] = default;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    /// <summary>The next batch of queued frames (up to <paramref name="batch"/>.Length, at most <paramref name="maxBytes"/> unless one frame is longer); 0 once the queue is completed.</summary>
    private async ValueTask<int> NextBatchAsync(PooledFrame[] batch, int maxBytes)
    {
        if (_sendQueue is { } queue)
        {
            while (true)
            {
                var taken = queue.TakeBatch(batch, maxBytes);
                if (taken > 0)
                {
                    return taken;
                }

                if (!await queue.WaitToReadAsync())
                {
                    return 0;
                }
            }
        }

        var reader = _channel!.Reader;
        while (true)
        {
            var count = 0;
            var bytes = 0;
            if (_carried is { } first)
            {
                batch[count++] = first;
                bytes = first.Length;
                _carried = null;
            }

            while (count < batch.Length && reader.TryRead(out var frame))
            {
                if (count > 0 && bytes + frame.Length > maxBytes)
                {
                    _carried = frame;
                    break;
                }

                batch[count++] = frame;
                bytes += frame.Length;
            }

            if (count > 0)
            {
                return count;
            }

            if (!await reader.WaitToReadAsync(_stop.Token))
            {
                return 0;
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        var reader = PipeReader.Create(_serverStream, _options.ReaderOptions);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_stop.Token);
                var buffer = result.Buffer;
                while (buffer.Length >= FramePrefix)
                {
                    int length;
                    if (buffer.FirstSpan.Length >= FramePrefix)
                    {
                        length = BinaryPrimitives.ReadInt32LittleEndian(buffer.FirstSpan);
                    }
                    else
                    {
                        length = ReadSplitPrefix(buffer);
                    }

                    if (buffer.Length - FramePrefix < length)
                    {
                        break;
                    }

                    if (_options.DeliverPayloads)
                    {
                        // What the overlay's codec does for a byte[] field: a new array, the payload copied in.
                        var payload = new byte[length];
                        buffer.Slice(FramePrefix, length).CopyTo(payload);
                        LastPayload = payload;
                    }

                    buffer = buffer.Slice(FramePrefix + length);
                    Counter.Increment();
                }

                if (result.IsCompleted)
                {
                    return;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private static int ReadSplitPrefix(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> prefix = stackalloc byte[FramePrefix];
        buffer.Slice(0, FramePrefix).CopyTo(prefix);
        return BinaryPrimitives.ReadInt32LittleEndian(prefix);
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Writer.TryComplete();
        _sendQueue?.Complete();
        _stop.Cancel();
        _client.Dispose();
        _server.Dispose();
        _listener.Dispose();
        try
        {
            await Task.WhenAll(_writer, _reader).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // Leave them.
        }

        await _clientStream.DisposeAsync();
        await _serverStream.DisposeAsync();
        _stop.Dispose();
    }
}

/// <summary>How the raw-socket ceiling queues, writes and what its reader does with a frame.</summary>
/// <param name="GatherWrites">
/// Write batches as the overlay's writer does (<see cref="OutboundConnection"/>): up to 256 KiB, a batch of large frames
/// from the frames' own buffers in one send; without it, every batch is copied into one buffer of up to 64 KiB, as the
/// ceiling did until 2026-12-07 (a copy of every payload that the overlay no longer makes).
/// </param>
/// <param name="DeliverPayloads">
/// Copy each payload into a new array for its receiver, as the overlay's codec does for a message's <c>byte[]</c>
/// (the receiver must get the message); without it the reader only counts the frames.
/// </param>
/// <param name="QueueOfTheOverlay">
/// Queue frames in the overlay's <see cref="SendQueue"/> (while it is full the sender waits, and the writer lets it in
/// once per batch it takes) instead of a bounded <see cref="Channel{T}"/> (which wakes the waiting sender once for
/// every frame taken while it is full). Measured side by side in the sixth session of 2026-12-07, the channel cost
/// no more per message, so the ceiling keeps it.
/// </param>
/// <param name="SmallReads">
/// Read into 16 KiB pipe segments, reads of at least 4 KiB, as the overlay's inbound connections did until the sixth
/// session of 2026-12-07 (about one <c>recv</c> per 16 KiB message); without it, with the overlay's
/// <see cref="InboundConnection.ReaderOptions"/>.
/// </param>
internal sealed record RawSocketOptions(bool GatherWrites, bool DeliverPayloads, bool QueueOfTheOverlay = false, bool SmallReads = false)
{
    /// <summary>The ceiling measured the way the overlay works (since 2026-12-07).</summary>
    public static readonly RawSocketOptions AsTheOverlay = new(GatherWrites: true, DeliverPayloads: true);

    /// <summary>The ceiling as it was measured before 2026-12-07: batches copied, payloads only counted (read as the overlay reads now).</summary>
    public static readonly RawSocketOptions Before = new(GatherWrites: false, DeliverPayloads: false);

    /// <summary>The reader's buffer sizes.</summary>
    public StreamPipeReaderOptions ReaderOptions => SmallReads ? new(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024) : InboundConnection.ReaderOptions;
}

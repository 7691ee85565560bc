using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Orleans.Partisan.Transport;

/// <summary>
/// A connection this node dialled for one (peer, channel, lane). It carries this node's messages:
/// a writer loop drains the send queue in batches; a read loop reads the peer's heartbeats and watches
/// for the peer closing (any other frame from the peer is a protocol error); with heartbeats on, a timer
/// closes the connection once the peer has been silent for the heartbeat timeout (<see cref="HeartbeatDeadline"/>).
/// </summary>
internal sealed class OutboundConnection
{
    /// <summary>Queued frames are coalesced into one socket write up to this many bytes.</summary>
    public const int MaxBatchBytes = 64 * 1024;

    /// <summary>
    /// On a plaintext socket, queued frames are written together up to this many bytes, from their own buffers
    /// (a gather write) when the batch's frames average at least <see cref="GatherFrameBytes"/> or it is longer than
    /// <see cref="MaxBatchBytes"/>: copying large frames into one buffer first cost as much as serializing them.
    /// </summary>
    public const int MaxGatherBytes = CpuSlice.Size;

    /// <summary>The mean frame length from which a batch is written from the frames' own buffers rather than copied.</summary>
    public const int GatherFrameBytes = 1024;

    private const int MaxBatchFrames = 512;

    private readonly TransportContext _context;
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly CancellationTokenSource _closing = new();
    private CloseReason? _closeReason;
    private int _aborted;
    private ITimer? _flushTimer;
    private readonly HeartbeatDeadline? _heartbeat;
    private ITimer? _heartbeatTimer;
    private ITimer? _trimTimer;

    public OutboundConnection(TransportContext context, DialledSocket dialled, int channel, int lane)
    {
        _context = context;
        _socket = dialled.Socket;
        _stream = dialled.Stream;
        _reader = dialled.Reader;
        Peer = dialled.Hello.Node;
        RemoteEndPoint = dialled.RemoteEndPoint;
        Channel = context.ChannelNames[channel];
        Lane = lane;
        Queue = new SendQueue(context.Settings.SendQueueCapacity, context.ChannelOptions[channel].Monotonic, Peer.Name, Channel);
        Types = new SentTypeTable(context.Codec.TypeConverter);
        Frames = new FramePool(context.Settings.SendQueueCapacity + MaxBatchFrames + 1, context.Settings.SendQueueCapacity + 2);
        ChannelTag = new KeyValuePair<string, object?>("channel", Channel);
        Completion = Task.FromResult(new CloseReason(CloseKind.Closed, "never started"));
        if (context.Settings.HeartbeatsEnabled)
        {
            _heartbeat = new HeartbeatDeadline(context.Settings.HeartbeatTimeout, context.Settings.HeartbeatCheckPeriod, context.Now);
        }
    }

    /// <summary>The node at the other end, as it announced itself.</summary>
    public NodeSpec Peer { get; }

    /// <summary>Where it was dialled.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>The channel.</summary>
    public string Channel { get; }

    /// <summary>The lane.</summary>
    public int Lane { get; }

    /// <summary>The send queue.</summary>
    public SendQueue Queue { get; }

    /// <summary>
    /// The buffers of the frames sent on this connection: senders rent from it, the writer loop returns
    /// to it, so that sending reuses the same arrays. Sized to what can be in flight at once: the
    /// queue, the writer's batch and a frame being serialized (large frames are written one at a time).
    /// </summary>
    public FramePool Frames { get; }

    /// <summary>The message types this connection has numbered for its peer.</summary>
    public SentTypeTable Types { get; }

    /// <summary>The metric tag of this connection's channel.</summary>
    public KeyValuePair<string, object?> ChannelTag { get; }

    /// <summary>Whether it takes messages.</summary>
    public bool IsOpen => Queue.IsOpen;

    /// <summary>Completes with the reason once the connection is closed and its loops have ended.</summary>
    public Task<CloseReason> Completion { get; private set; }

    /// <summary>Starts the loops.</summary>
    public void Start()
    {
        PartisanMetrics.Opened.Add(1, new KeyValuePair<string, object?>("direction", "outbound"));
        TransportLog.OutboundOpened(_context.Logger, Peer.Name, RemoteEndPoint, Channel, Lane);
        if (_heartbeat is not null)
        {
            _heartbeatTimer = _context.TimeProvider.CreateTimer(static state => ((OutboundConnection)state!).CheckHeartbeat(), this, _heartbeat.CheckPeriod, Timeout.InfiniteTimeSpan);
        }

        _trimTimer = _context.TimeProvider.CreateTimer(static state => ((OutboundConnection)state!).Frames.Trim(), this, FramePool.TrimPeriod, FramePool.TrimPeriod);
        Completion = RunAsync();
    }

    /// <summary>Closes at once, dropping what is queued.</summary>
    public void Abort(CloseReason reason)
    {
        Interlocked.CompareExchange(ref _closeReason, reason, null);
        if (Interlocked.Exchange(ref _aborted, 1) == 1)
        {
            return;
        }

        Queue.Close();
        try
        {
            _closing.Cancel();
        }
        catch (AggregateException)
        {
            // A registration threw; the connection closes anyway.
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        _socket.Dispose();
    }

    /// <summary>Closes a connection whose loops were never started.</summary>
    public async ValueTask CloseUnstartedAsync()
    {
        Abort(new CloseReason(CloseKind.Disconnected));
        await _reader.CompleteAsync();
        await _stream.DisposeAsync();
    }

    /// <summary>Takes no more messages, sends what is queued, then closes; aborts after <paramref name="timeout"/>.</summary>
    public void CloseGracefully(CloseReason reason, TimeSpan timeout)
    {
        Interlocked.CompareExchange(ref _closeReason, reason, null);
        Queue.Complete();
        var timer = _context.TimeProvider.CreateTimer(static state => ((OutboundConnection)state!).Abort(new CloseReason(CloseKind.FlushTimedOut)), this, timeout, Timeout.InfiniteTimeSpan);
        if (Interlocked.CompareExchange(ref _flushTimer, timer, null) is not null)
        {
            timer.Dispose();
        }
    }

    private async Task<CloseReason> RunAsync()
    {
        await Task.Yield();
        var writing = WriteLoopAsync();
        var reading = ReadLoopAsync();
        await writing;
        await reading;
        Abort(CloseReason.Closed);
        _flushTimer?.Dispose();
        _heartbeatTimer?.Dispose();
        _trimTimer?.Dispose();
        await _reader.CompleteAsync();
        await _stream.DisposeAsync();
        var reason = _closeReason ?? CloseReason.Closed;
        PartisanMetrics.Closed.Add(1, new KeyValuePair<string, object?>("reason", reason.Tag));
        TransportLog.OutboundClosed(_context.Logger, Peer.Name, Channel, Lane, reason);
        return reason;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new PooledFrame[MaxBatchFrames];
        var coalesced = ArrayPool<byte>.Shared.Rent(MaxBatchBytes);

        // TLS encrypts what it is given into a record buffer of its own, so only a plain socket takes gather writes.
        var segments = _stream is NetworkStream ? new List<ArraySegment<byte>>(MaxBatchFrames) : null;
        var maxBatchBytes = segments is null ? MaxBatchBytes : MaxGatherBytes;
        var taken = 0;
        try
        {
            while (true)
            {
                taken = Queue.TakeBatch(batch, maxBatchBytes);
                if (taken == 0)
                {
                    if (!await Queue.WaitToReadAsync())
                    {
                        break;
                    }

                    continue;
                }

                for (var i = 0; i < taken; i++)
                {
                    // Every frame encoded from now on is written after this one, which names the type.
                    batch[i].Announces?.MarkAnnounced();
                }

                int bytes;
                if (taken == 1)
                {
                    bytes = batch[0].Length;
                    await WriteSlicedAsync(batch[0].Memory);
                }
                else if (segments is not null && BatchBytes(batch, taken) is var total && (total > MaxBatchBytes || total / taken >= GatherFrameBytes))
                {
                    bytes = total;
                    await WriteGatheredAsync(segments, batch, taken, total);
                }
                else
                {
                    bytes = 0;
                    for (var i = 0; i < taken; i++)
                    {
                        batch[i].Memory.Span.CopyTo(coalesced.AsSpan(bytes));
                        bytes += batch[i].Length;
                    }

                    await _stream.WriteAsync(coalesced.AsMemory(0, bytes), _closing.Token);
                }

                ReturnAll(batch, taken);
                taken = 0;
                PartisanMetrics.SentBytes.Add(bytes, ChannelTag);
            }

            // Completed and drained (graceful close), or closed.
            Abort(CloseReason.Closed);
        }
        catch (Exception exception)
        {
            Abort(Volatile.Read(ref _aborted) == 1 ? CloseReason.Closed : new CloseReason(CloseKind.SendFailed, exception.Message));
        }
        finally
        {
            ReturnAll(batch, taken);
            ArrayPool<byte>.Shared.Return(coalesced);
        }
    }

    private static int BatchBytes(PooledFrame[] batch, int taken)
    {
        var bytes = 0;
        for (var i = 0; i < taken; i++)
        {
            bytes += batch[i].Length;
        }

        return bytes;
    }

    /// <summary>Writes the first <paramref name="taken"/> frames of <paramref name="batch"/> from their own buffers in one socket send.</summary>
    private async ValueTask WriteGatheredAsync(List<ArraySegment<byte>> segments, PooledFrame[] batch, int taken, int total)
    {
        segments.Clear();
        for (var i = 0; i < taken; i++)
        {
            segments.Add(new ArraySegment<byte>(batch[i].Buffer, 0, batch[i].Length));
        }

        try
        {
            // A send on a stream socket completes once every byte is written, or fails (closing disposes the socket,
            // which fails it: the buffers go back to the pool only after that); a short count would be a bug.
            var sent = await _socket.SendAsync(segments, SocketFlags.None);
            if (sent != total)
            {
                throw new IOException($"The socket took {sent} of {total} bytes.");
            }
        }
        finally
        {
            segments.Clear();
        }
    }

    /// <summary>Writes <paramref name="frame"/> a <see cref="CpuSlice"/> at a time.</summary>
    private async ValueTask WriteSlicedAsync(ReadOnlyMemory<byte> frame)
    {
        while (frame.Length > CpuSlice.Size)
        {
            await _stream.WriteAsync(frame[..CpuSlice.Size], _closing.Token);
            frame = frame[CpuSlice.Size..];
            await CpuSlice.BetweenSocketSlices();
        }

        await _stream.WriteAsync(frame, _closing.Token);
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync(_closing.Token);
                var buffer = result.Buffer;
                while (true)
                {
                    // A heartbeat is the only frame the acceptor sends: anything else (or a frame of another length) is an error.
                    var status = FrameCodec.TryReadFrame(ref buffer, HeartbeatFrame.BodyLength, out var body, out var length);
                    if (status == FrameReadStatus.Incomplete)
                    {
                        break;
                    }

                    if (status == FrameReadStatus.InvalidLength || !HeartbeatFrame.Is(body))
                    {
                        var received = result.Buffer.Length;
                        _reader.AdvanceTo(result.Buffer.End);
                        TransportLog.UnexpectedData(_context.Logger, Peer.Name, Channel, Lane, received);
                        Abort(new CloseReason(CloseKind.ProtocolError, status == FrameReadStatus.InvalidLength
                            ? $"the peer sent a frame of {length} bytes on a connection that only carries our messages and its heartbeats"
                            : "the peer sent a frame other than a heartbeat on a connection that only carries our messages"));
                        return;
                    }

                    _heartbeat?.Heard(_context.Now);
                }

                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    Abort(new CloseReason(CloseKind.PeerClosed, buffer.Length > 0 ? "in the middle of a frame" : null));
                    return;
                }
            }
        }
        catch (Exception exception)
        {
            Abort(Volatile.Read(ref _aborted) == 1 ? CloseReason.Closed : new CloseReason(CloseKind.ConnectionLost, exception.Message));
        }
    }

    /// <summary>
    /// The heartbeat timer: closes the connection once the peer has been silent too long, else checks again a period later.
    /// It also wakes a writer left parked with frames to take, which only a thread that blocked while holding back its
    /// wake-up (<see cref="WriterWakeDeferral"/>) leaves behind.
    /// </summary>
    private void CheckHeartbeat()
    {
        var heartbeat = _heartbeat!;
        if (Volatile.Read(ref _aborted) == 1)
        {
            return;
        }

        Queue.WakeParkedWriter();

        if (heartbeat.Check(_context.Now))
        {
            TransportLog.HeartbeatTimedOut(_context.Logger, Peer.Name, Channel, Lane, heartbeat.Silence, heartbeat.Timeout);
            Abort(new CloseReason(CloseKind.HeartbeatTimeout, $"nothing received for {heartbeat.Silence.TotalSeconds:0.0#} s"));
            return;
        }

        try
        {
            _heartbeatTimer?.Change(heartbeat.CheckPeriod, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Closed meanwhile.
        }
    }

    private static void ReturnAll(PooledFrame[] batch, int count)
    {
        for (var i = 0; i < count; i++)
        {
            batch[i].Return();
            batch[i] = default;
        }
    }
}

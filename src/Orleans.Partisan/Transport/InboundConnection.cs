using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Orleans.Partisan.Transport;

/// <summary>
/// A connection a peer dialled to this node: after TLS (when on) and the handshake, every frame is deserialized and
/// handed to <see cref="ITransportEvents.OnMessage"/>, and a <see cref="HeartbeatSender"/> sends the dialler
/// heartbeats if it asked for them. A protocol error closes this connection only.
/// </summary>
internal sealed partial class InboundConnection
{
    /// <summary>
    /// How an inbound connection reads, the way the traffic goes: 64 KiB segments, reads of at least 16 KiB. One
    /// <c>recv</c> takes several frames of a stream of 16 KiB messages (with 16 KiB segments it took about one per
    /// message, and every such frame crossed two segments); a connection waiting for data holds one segment.
    /// </summary>
    public static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024);

    private readonly TransportContext _context;
    private readonly ITransportEvents _events;
    private readonly Socket _socket;
    private Stream _stream;
    private PipeReader? _reader;
    private readonly Action<InboundConnection> _onClosed;
    private readonly CancellationTokenSource _closing = new();
    private KeyValuePair<string, object?> _channelTag;
    private volatile bool _established;
    private readonly ReceivedTypeTable _types = new();
    private readonly ReceivedTargetCache _targets = new();
    private SlicedBuffer? _largeFrame;
    private TimeSpan _heartbeatInterval;

    public InboundConnection(TransportContext context, ITransportEvents events, Socket socket, Action<InboundConnection> onClosed)
    {
        _context = context;
        _events = events;
        _socket = socket;
        _onClosed = onClosed;
        RemoteEndPoint = socket.RemoteEndPoint;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Channel = string.Empty;
        Completion = Task.CompletedTask;
    }

    /// <summary>The peer, once the handshake is done.</summary>
    public NodeName Peer { get; private set; }

    /// <summary>The channel, once the handshake is done.</summary>
    public string Channel { get; private set; }

    /// <summary>The lane, once the handshake is done.</summary>
    public int Lane { get; private set; }

    /// <summary>Whether the handshake is done and the connection open.</summary>
    public bool IsEstablished => _established;

    /// <summary>Where the peer dialled from.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Completes when the connection is closed.</summary>
    public Task Completion { get; private set; }

    /// <summary>Starts the handshake and the receive loop.</summary>
    public void Start() => Completion = RunAsync();

    /// <summary>Closes the connection.</summary>
    public void Abort()
    {
        try
        {
            _closing.Cancel();
        }
        catch (AggregateException)
        {
            // A registration threw; the connection closes anyway.
        }

        _socket.Dispose();
    }

    private async Task RunAsync()
    {
        await Task.Yield();
        var reason = CloseReason.Closed;
        try
        {
            if (await HandshakeAsync() is not { } reader)
            {
                return;
            }

            using var heartbeats = _heartbeatInterval > TimeSpan.Zero ? new HeartbeatSender(_stream, _heartbeatInterval, _context.TimeProvider) : null;
            reason = await ReceiveLoopAsync(reader);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            reason = new CloseReason(CloseKind.TransportDisposed);
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
        {
            reason = _closing.IsCancellationRequested ? new CloseReason(CloseKind.TransportDisposed) : new CloseReason(CloseKind.ConnectionLost, exception.Message);
        }
        catch (Exception exception)
        {
            TransportLog.LoopFailed(_context.Logger, exception, "inbound connection");
            reason = new CloseReason(CloseKind.Failed, exception.Message);
        }
        finally
        {
            var established = _established;
            _established = false;
            _onClosed(this);
            if (_reader is not null)
            {
                await _reader.CompleteAsync();
            }

            await _stream.DisposeAsync();
            if (established)
            {
                PartisanMetrics.Closed.Add(1, new KeyValuePair<string, object?>("reason", reason.Tag));
                TransportLog.InboundClosed(_context.Logger, Peer, Channel, Lane, reason);
            }
        }
    }

    /// <summary>Runs TLS (if on) and the acceptor's half of the handshake; the reader of the established connection, or null if it was refused.</summary>
    private async Task<PipeReader?> HandshakeAsync()
    {
        using var timeout = _context.CreateHandshakeTimeout();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token, timeout.Token);
        Hello? hello;
        var tls = _context.Settings.Tls;
        try
        {
            if (tls is not null)
            {
                _stream = await TlsHandshake.AuthenticateAsServerAsync(_context, tls, _stream, RemoteEndPoint, linked.Token);
                tls = null;
            }

            _reader = PipeReader.Create(_stream, ReaderOptions);
            await Handshake.WriteHelloAsync(_stream, _context, Handshake.Create(_context, null, 0), linked.Token);
            hello = await Handshake.ReadHelloAsync(_reader, _context, Handshake.Inbound, RemoteEndPoint, linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !_closing.IsCancellationRequested)
        {
            _ = tls is null
                ? Handshake.Refuse(_context, "timeout", Handshake.Inbound, RemoteEndPoint, $"no handshake within {_context.Settings.ConnectTimeout}")
                : TlsHandshake.Refuse(_context, Handshake.Inbound, RemoteEndPoint, $"no TLS handshake within {_context.Settings.ConnectTimeout}: the peer does not speak TLS (a node with TLS off waits for this node's hello), or is too slow");
            return null;
        }
        catch (ConnectionRefusedException)
        {
            return null;
        }
        catch (Exception exception) when (exception is IOException or SocketException or AuthenticationException)
        {
            // With TLS, also a dialler that refused this node's certificate after the handshake (it logs why).
            TransportLog.ClosedBeforeHello(_context.Logger, RemoteEndPoint);
            return null;
        }

        if (hello is null)
        {
            TransportLog.ClosedBeforeHello(_context.Logger, RemoteEndPoint);
            return null;
        }

        int channel;
        try
        {
            channel = Handshake.CheckDiallerHello(_context, hello, RemoteEndPoint);
        }
        catch (ConnectionRefusedException)
        {
            return null;
        }

        Peer = hello.Node.Name;
        Channel = _context.ChannelNames[channel];
        Lane = hello.Lane;
        _heartbeatInterval = hello.HeartbeatInterval;
        _channelTag = new KeyValuePair<string, object?>("channel", Channel);
        _established = true;
        PartisanMetrics.Opened.Add(1, new KeyValuePair<string, object?>("direction", "inbound"));
        TransportLog.InboundOpened(_context.Logger, Peer, RemoteEndPoint, Channel, Lane);
        return _reader;
    }

    private async Task<CloseReason> ReceiveLoopAsync(PipeReader reader)
    {
        var maximum = _context.Settings.MaxFrameSize;
        while (true)
        {
            var result = await reader.ReadAsync(_closing.Token);
            var buffer = result.Buffer;
            var frames = 0;
            long bytes = 0;
            var large = 0;
            CloseReason? failure = null;
            ReceiveBatch.Enter();
            try
            {
                while (true)
                {
                    var status = FrameCodec.TryReadFrame(ref buffer, maximum, out var body, out var length);
                    if (status == FrameReadStatus.Incomplete)
                    {
                        large = length >= LargeFrameSize ? length : 0;
                        break;
                    }

                    if (status == FrameReadStatus.InvalidLength)
                    {
                        failure = InvalidLength(length, maximum);
                        break;
                    }

                    if (!Dispatch(body, out failure))
                    {
                        break;
                    }

                    frames++;
                    bytes += length + FrameCodec.PrefixSize;
                }
            }
            finally
            {
                ReceiveBatch.Exit();
            }

            ReceiveBatch.Ended(_events, frames, _context.Logger, Peer, Channel);
            Count(frames, bytes);
            if (failure is not null)
            {
                reader.AdvanceTo(buffer.Start);
                return failure;
            }

            if (large > 0 && !result.IsCompleted && !result.IsCanceled)
            {
                // The start of a large frame: the rest goes straight into one buffer of its size,
                // rather than into hundreds of pipe segments held until the frame is whole.
                var frame = LargeFrameBuffer(large);
                var body = buffer.Slice(FrameCodec.PrefixSize);
                var filled = (int)body.Length;
                body.CopyTo(frame.Array);
                reader.AdvanceTo(buffer.End);
                if (!await ReadExactlyAsync(frame.Array.AsMemory(filled, large - filled)))
                {
                    return new CloseReason(CloseKind.PeerClosed, "in the middle of a frame");
                }

                // Decoded a slice at a time, offering the CPU between slices as the read did.
                bool dispatched;
                ReceiveBatch.Enter();
                try
                {
                    dispatched = Dispatch(frame.Sequence(large), out failure);
                }
                finally
                {
                    ReceiveBatch.Exit();
                }

                ReceiveBatch.Ended(_events, dispatched ? 1 : 0, _context.Logger, Peer, Channel);
                if (failure is not null)
                {
                    return failure;
                }

                Count(1, large + FrameCodec.PrefixSize);
                continue;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                var leftover = buffer.Length;
                reader.AdvanceTo(buffer.End);
                return new CloseReason(CloseKind.PeerClosed, leftover > 0 ? "in the middle of a frame" : null);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Decodes one frame's body and hands the message on; false (with the reason) if it could not be decoded.</summary>
    private bool Dispatch(in ReadOnlySequence<byte> body, [NotNullWhen(false)] out CloseReason? failure)
    {
        object message;
        DeliveryHeader tracked;
        try
        {
            message = _context.Codec.Receive(body, _types, _targets, Peer, Channel, out tracked);
            if (message is RelayEnvelope relay && relay.Destination == _context.Settings.LocalName)
            {
                // Relayed to this node: decode the message now, so that a malformed one closes this connection as
                // any other frame does. A node that only relays it hands its bytes on.
                relay.Open();
            }
        }
        catch (Exception exception)
        {
            TransportLog.UndecodableFrame(_context.Logger, exception, Peer, RemoteEndPoint, Channel, Lane, body.Length);
            failure = new CloseReason(CloseKind.ProtocolError, $"a frame of {body.Length} bytes could not be deserialized");
            return false;
        }

        failure = null;
        if (_context.Interposition is { } interposition)
        {
            if (tracked.IsTracked)
            {
                // Interposers see (and may hold back) an acknowledged message in its envelope, as a relayed one comes.
                message = WireCodec.Envelope((ReceivedMessage)message, tracked);
                tracked = default;
            }

            if (!interposition.OnReceive(Peer, Channel, message, _events))
            {
                // Dropped, or held back and dispatched when its delay ends.
                return true;
            }
        }

        try
        {
            if (tracked.IsTracked)
            {
                _events.OnTrackedMessage((ReceivedMessage)message, tracked);
            }
            else
            {
                _events.OnMessage(Peer, Channel, message);
            }
        }
        catch (Exception exception)
        {
            TransportLog.MessageHandlerFailed(_context.Logger, exception, Peer, Channel);
        }

        return true;
    }

    private CloseReason InvalidLength(int length, int maximum)
    {
        if (length > maximum)
        {
            TransportLog.FrameTooLarge(_context.Logger, Peer, RemoteEndPoint, Channel, Lane, length, maximum);
            return new CloseReason(CloseKind.ProtocolError, $"frame of {length} bytes exceeds the maximum of {maximum}");
        }

        TransportLog.InvalidFrameLength(_context.Logger, Peer, RemoteEndPoint, Channel, Lane, length);
        return new CloseReason(CloseKind.ProtocolError, $"invalid frame length {length}");
    }

    /// <summary>Counts the frames of one read at once, rather than one metric update per message.</summary>
    private void Count(int frames, long bytes)
    {
        if (frames > 0)
        {
            PartisanMetrics.Received.Add(frames, _channelTag);
            PartisanMetrics.ReceivedBytes.Add(bytes, _channelTag);
        }
    }
}

using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Transport;

/// <summary>Frame reading and writing over a plain stream, as a foreign peer would.</summary>
internal static class RawFrames
{
    public static byte[] Encode(object message) => FrameCodec.EncodeToArray(TestSupport.Codec, message);

    public static byte[] Hello(string clusterId, NodeSpec node, string? channel = null, int lane = 0, TimeSpan heartbeatInterval = default)
        => Encode(new Hello(Orleans.Partisan.Transport.Hello.CurrentVersion, clusterId, node, channel, lane, heartbeatInterval));

    public static NodeSpec Spec(string name, IPEndPoint endpoint, ImmutableSortedDictionary<string, ChannelOptions>? channels = null)
        => new(new NodeName(name), [endpoint], channels ?? TestSupport.Channels());

    /// <summary>Reads one frame; null at end of stream.</summary>
    public static async Task<object?> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var prefix = new byte[4];
        try
        {
            await stream.ReadExactlyAsync(prefix, cancellationToken);
        }
        catch (EndOfStreamException)
        {
            return null;
        }

        var body = new byte[BinaryPrimitives.ReadInt32LittleEndian(prefix)];
        await stream.ReadExactlyAsync(body, cancellationToken);
        return TestSupport.DecodeBody(body);
    }
}

/// <summary>A plain socket that dials a transport and speaks (or breaks) the protocol by hand.</summary>
internal sealed class RawDialler : IAsyncDisposable
{
    private RawDialler(Socket socket)
    {
        Socket = socket;
        Stream = new NetworkStream(socket, ownsSocket: true);
    }

    public Socket Socket { get; }

    public NetworkStream Stream { get; }

    public static async Task<RawDialler> ConnectAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint);
        return new RawDialler(socket);
    }

    /// <summary>Reads the acceptor's hello and answers with a valid one for <paramref name="channel"/>.</summary>
    public static async Task<RawDialler> HandshakeAsync(TestNode target, string name = "raw", string? clusterId = null, string channel = PartisanChannels.Default, int lane = 0, TimeSpan heartbeatInterval = default)
    {
        var raw = await ConnectAsync(target.EndPoint);
        var hello = await raw.ReadHelloAsync();
        Assert.Equal(target.Name, hello.Node.Name);
        await raw.SendAsync(RawFrames.Hello(clusterId ?? target.Settings.ClusterId, RawFrames.Spec(name, new IPEndPoint(IPAddress.Loopback, 1)), channel, lane, heartbeatInterval));
        return raw;
    }

    public async Task<Hello> ReadHelloAsync()
    {
        var hello = await RawFrames.ReadAsync(Stream).WithTimeout("the acceptor's hello");
        return Assert.IsType<Hello>(hello);
    }

    public async Task SendAsync(byte[] bytes)
    {
        await Stream.WriteAsync(bytes);
        await Stream.FlushAsync();
    }

    /// <summary>Waits until the other side closes: a read returns 0 or the connection is reset.</summary>
    public async Task WaitForCloseAsync(string expected)
    {
        var buffer = new byte[4096];
        async Task ReadToEnd()
        {
            try
            {
                while (await Stream.ReadAsync(buffer) > 0)
                {
                }
            }
            catch (IOException)
            {
                // Reset: closed too.
            }
        }

        await ReadToEnd().WithTimeout(expected);
    }

    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}

/// <summary>
/// A plain listener that completes the acceptor's half of the handshake as node <see cref="Spec"/> and then
/// does not read, until <see cref="Resume"/>: a stalled peer. It sends the heartbeats a dialler asks for, as a live
/// node whose receive loop is stuck does, unless made with <c>heartbeats: false</c>: then it is a frozen peer.
/// </summary>
internal sealed class StalledPeer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _clusterId;
    private readonly ConcurrentQueue<Accepted> _accepted = new();
    private readonly Task _acceptLoop;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(string Channel, object Message)> _received = new();
    private readonly List<Task> _readers = [];
    private readonly bool _heartbeats;
    private bool _resumed;

    public StalledPeer(string name, string clusterId, ImmutableSortedDictionary<string, ChannelOptions> channels, bool heartbeats = true)
    {
        _clusterId = clusterId;
        _heartbeats = heartbeats;
        _listener = new TcpListener(IPAddress.Loopback, 0);

        // A small receive window (inherited by accepted sockets), so that a sender stalls after a few
        // MiB whatever the machine's socket buffer defaults, however fast the sender is.
        _listener.Server.ReceiveBufferSize = 64 * 1024;
        _listener.Start();
        Spec = RawFrames.Spec(name, (IPEndPoint)_listener.LocalEndpoint, channels);
        _acceptLoop = AcceptLoopAsync();
    }

    public NodeSpec Spec { get; }

    public IReadOnlyList<(string Channel, object Message)> Received => [.. _received];

    public int Handshakes => _accepted.Count;

    /// <summary>The dialler hellos received, by channel.</summary>
    public IEnumerable<Hello> Hellos => _accepted.Select(a => a.Hello);

    /// <summary>Starts reading every connection, recording the messages.</summary>
    public void Resume()
    {
        lock (_readers)
        {
            _resumed = true;
            foreach (var accepted in _accepted)
            {
                _readers.Add(ReadLoopAsync(accepted));
            }
        }
    }

    /// <summary>Sends a frame to the dialler on an accepted connection (a protocol error on its side).</summary>
    public async Task SendOnFirstAsync(byte[] bytes)
    {
        await TestSupport.WaitUntilAsync(() => !_accepted.IsEmpty, "a connection to the stalled peer");
        Assert.True(_accepted.TryPeek(out var first));
        await first.Stream.WriteAsync(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var accepted in _accepted)
        {
            accepted.Heartbeats?.Dispose();
            await accepted.Stream.DisposeAsync();
        }

        Task[] readers;
        lock (_readers)
        {
            readers = [.. _readers];
        }

        await Task.WhenAll([_acceptLoop, .. readers]).WaitAsync(TestSupport.Timeout);
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                var stream = new NetworkStream(socket, ownsSocket: true);
                await stream.WriteAsync(RawFrames.Hello(_clusterId, Spec));
                var hello = (Hello)(await RawFrames.ReadAsync(stream, _stop.Token))!;
                var heartbeats = _heartbeats && hello.HeartbeatInterval > TimeSpan.Zero ? new HeartbeatSender(stream, hello.HeartbeatInterval, TimeProvider.System) : null;
                var accepted = new Accepted(stream, hello, heartbeats);
                lock (_readers)
                {
                    _accepted.Enqueue(accepted);
                    if (_resumed)
                    {
                        _readers.Add(ReadLoopAsync(accepted));
                    }
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task ReadLoopAsync(Accepted accepted)
    {
        try
        {
            while (await RawFrames.ReadAsync(accepted.Stream, _stop.Token) is { } message)
            {
                _received.Enqueue((accepted.Hello.Channel!, message));
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
        }
    }

    private sealed record Accepted(NetworkStream Stream, Hello Hello, HeartbeatSender? Heartbeats);
}

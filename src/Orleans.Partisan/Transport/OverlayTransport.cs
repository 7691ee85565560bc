using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Transport;

/// <summary>
/// The overlay's TCP transport for one node: one listener, and outbound connections per
/// (peer, channel, lane) that carry this node's messages to its peers.
/// </summary>
/// <remarks>
/// Each node sends only on connections it dialled and receives only on connections it accepted,
/// so two nodes that dial each other at once never race to pick one connection.
/// Once disposal starts, no more peer events are reported.
/// </remarks>
internal sealed partial class OverlayTransport : IAsyncDisposable
{
    private readonly TransportContext _context;
    private readonly ITransportEvents _events;
    private readonly PeerEventDispatcher _dispatcher;
    private readonly ConcurrentDictionary<NodeName, PeerLanes> _peers = new();
    private readonly ConcurrentDictionary<PeerLanes, byte> _running = new();
    private readonly ConcurrentDictionary<InboundConnection, byte> _inbound = new();
    private readonly object _lock = new();
    private OverlayListener? _listener;
    private volatile bool _disposed;

    public OverlayTransport(TransportSettings settings, WireCodec codec, ITransportEvents events, ILogger<OverlayTransport> logger, TimeProvider timeProvider, IPartisanInterposer? interposer = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        _context = new TransportContext(settings, codec, logger, timeProvider, interposer);
        _events = events;
        _dispatcher = new PeerEventDispatcher(_context, events);
    }

    /// <summary>This node's spec; its listen address carries the port actually bound. Valid after <see cref="StartAsync"/>.</summary>
    public NodeSpec LocalSpec => _context.LocalSpec ?? throw new InvalidOperationException("The transport is not started.");

    /// <summary>Binds the listener and starts accepting.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_listener is not null)
            {
                throw new InvalidOperationException("The transport is already started.");
            }

            _listener = OverlayListener.Start(_context, Accept);
            var settings = _context.Settings;
            _context.LocalSpec = new NodeSpec(settings.LocalName, [_listener.LocalEndPoint], settings.Channels);
        }

        TransportLog.Listening(_context.Logger, _context.Settings.LocalName, _listener.LocalEndPoint);
        return Task.CompletedTask;
    }

    /// <summary>Dials <paramref name="endpoint"/>, completes the handshake's first half and returns the spec the node there announced; the connection is then closed.</summary>
    /// <exception cref="ConnectionRefusedException">The node there belongs to another cluster or speaks another version.</exception>
    /// <exception cref="TimeoutException">No answer within the connect timeout.</exception>
    public async Task<NodeSpec> ProbeAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var dialled = await Dialler.DialAsync(_context, [endpoint], expected: null, channel: null, lane: 0, cancellationToken);
        await dialled.CloseAsync();
        return dialled.Hello.Node;
    }

    /// <summary>Keeps every lane of every channel to <paramref name="peer"/> open, redialling with backoff, until <see cref="Disconnect"/>. Idempotent.</summary>
    public void Connect(NodeSpec peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.Name == _context.Settings.LocalName)
        {
            TransportLog.ConnectToSelf(_context.Logger, peer.Name);
            return;
        }

        PeerLanes lanes;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_context.LocalSpec is null)
            {
                throw new InvalidOperationException("The transport is not started.");
            }

            if (_peers.TryGetValue(peer.Name, out var existing))
            {
                existing.Spec = peer;
                return;
            }

            lanes = new PeerLanes(_context, _dispatcher, peer);
            _peers[peer.Name] = lanes;
            _running[lanes] = 0;
            lanes.Start();
        }

        _ = lanes.Completion.ContinueWith(
            static (_, state) =>
            {
                var (running, lanes) = ((ConcurrentDictionary<PeerLanes, byte>, PeerLanes))state!;
                running.TryRemove(lanes, out byte _);
            },
            (_running, lanes),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Closes the outbound connections to <paramref name="peer"/> and stops redialling it.</summary>
    public void Disconnect(NodeName peer)
    {
        PeerLanes? lanes;
        lock (_lock)
        {
            if (!_peers.TryRemove(peer, out lanes))
            {
                return;
            }
        }

        lanes.Stop(new CloseReason(CloseKind.Disconnected), graceful: true);
    }

    /// <summary>Serializes <paramref name="message"/> and queues it on a lane of <paramref name="channel"/> to <paramref name="peer"/>.</summary>
    /// <remarks>
    /// With a partition key the lane is <c>key mod parallelism</c> (FIFO per key); without, lanes take
    /// turns, except on a monotonic channel where the supersede key's hash stands in for the partition
    /// key. If the chosen lane is down another open lane of the channel is used, and if the channel has
    /// none, an open lane of the default channel. On a monotonic channel, a message with a
    /// <paramref name="supersedeKey"/> replaces a queued one with an equal key, in its place. When the
    /// queue is full, the returned task completes once there is room (or is cancelled by
    /// <paramref name="cancellationToken"/>, or fails with <see cref="NodeNotConnectedException"/> if the
    /// connection closes meanwhile); otherwise it is already complete. With an <see cref="IPartisanInterposer"/>,
    /// a message it drops or delays is checked as above and the task is complete at once: a dropped message
    /// is lost, a delayed one is queued when its delay ends, in order with the other delayed messages of
    /// (<paramref name="peer"/>, <paramref name="channel"/>).
    /// </remarks>
    /// <exception cref="UnknownChannelException"><paramref name="channel"/> is not configured.</exception>
    /// <exception cref="NodeNotConnectedException">No open lane to <paramref name="peer"/> on the channel nor on the default one.</exception>
    /// <exception cref="MessageSerializationException">The message could not be serialized.</exception>
    /// <exception cref="MessageTooLargeException">The message serialized to more than the maximum frame size.</exception>
    public ValueTask SendAsync(NodeName peer, string channel, object message, int? partitionKey, object? supersedeKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(message);
        var index = _context.IndexOf(channel);
        if (index < 0)
        {
            throw new UnknownChannelException(channel, _context.ChannelNames);
        }

        // On a monotonic channel, a supersede key without a partition key picks the lane, so that
        // updates of one key meet in one queue (and stay in order).
        var lane = partitionKey;
        if (lane is null && supersedeKey is not null && _context.ChannelOptions[index].Monotonic)
        {
            lane = supersedeKey.GetHashCode();
        }

        var connection = PickLane(peer, channel, index, lane);
        var frame = Encode(message, connection);
        if (_context.Interposition is { } interposition)
        {
            // Consulted once the message is known to be sendable, so a dropped or delayed message
            // raises the same errors as one that goes through; then it is lost, or in flight.
            var decision = interposition.OnSend(peer, channel, message);
            if (decision.Action == InterposerAction.Drop)
            {
                frame.Return();
                return ValueTask.CompletedTask;
            }

            if (decision.Action == InterposerAction.Delay)
            {
                interposition.HoldSend(peer, channel, new DelayedSend(this, peer, channel, index, lane, frame, message, supersedeKey) { Delay = decision.Delay });
                return ValueTask.CompletedTask;
            }
        }

        for (var attempt = 0; ; attempt++)
        {
            var status = connection.Queue.Enqueue(frame, supersedeKey, cancellationToken, out var pending);
            if (status != EnqueueStatus.Closed)
            {
                PartisanMetrics.Sent.Add(1, connection.ChannelTag);
                return pending;
            }

            // The lane closed since it was picked: try another once.
            if (attempt > 0 || (connection = TryPickLane(peer, index, lane)) is null)
            {
                frame.Return();
                throw new NodeNotConnectedException(peer, channel);
            }

            frame = Reframe(frame, message, connection);
        }
    }

    /// <summary>
    /// Whether a message handed to <see cref="SendAsync"/> may be read again after it returned: only with an
    /// <see cref="IPartisanInterposer"/>, which sees it and may hold it back. Otherwise the message is encoded before
    /// <see cref="SendAsync"/> returns and no reference to it is kept.
    /// </summary>
    public bool KeepsMessages => _context.Interposition is not null;

    /// <summary>Whether at least one outbound connection to <paramref name="peer"/> (on <paramref name="channel"/>, if given) is open.</summary>
    /// <remarks>A peer shows as connected only once <see cref="ITransportEvents.OnPeerUp"/> has returned for it.</remarks>
    public bool IsConnected(NodeName peer, string? channel = null)
    {
        var index = channel is null ? -1 : _context.IndexOf(channel);
        if (channel is not null && index < 0)
        {
            return false;
        }

        return _peers.TryGetValue(peer, out var lanes) && lanes.IsConnected(index) && _dispatcher.IsReportedUp(peer);
    }

    /// <summary>Whether every lane of every channel to <paramref name="peer"/> is open.</summary>
    public bool IsFullyConnected(NodeName peer)
        => _peers.TryGetValue(peer, out var lanes) && lanes.IsFullyConnected() && _dispatcher.IsReportedUp(peer);

    /// <summary>The peers with at least one open outbound connection.</summary>
    public IEnumerable<NodeName> ConnectedPeers()
    {
        foreach (var (name, lanes) in _peers)
        {
            if (lanes.IsConnected(-1) && _dispatcher.IsReportedUp(name))
            {
                yield return name;
            }
        }
    }

    /// <summary>
    /// Completes when every connection that one of <paramref name="peers"/> has dialled to this node (and
    /// that is open now) has closed: those peers have dropped this node.
    /// </summary>
    public Task WhenDroppedByAsync(IReadOnlyCollection<NodeName> peers)
        => Task.WhenAll(_inbound.Keys.Where(c => c.IsEstablished && peers.Contains(c.Peer)).Select(c => c.Completion));

    /// <summary>The open connections, outbound and inbound.</summary>
    public IReadOnlyList<ConnectionInfo> GetConnections()
    {
        var connections = new List<ConnectionInfo>();
        foreach (var lanes in _peers.Values)
        {
            lanes.AddConnections(connections);
        }

        foreach (var inbound in _inbound.Keys)
        {
            if (inbound.IsEstablished)
            {
                connections.Add(new ConnectionInfo(inbound.Peer, inbound.Channel, inbound.Lane, ConnectionDirection.Inbound, 0));
            }
        }

        return connections;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        OverlayListener? listener;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            listener = _listener;
        }

        _dispatcher.Suppress();
        if (_context.Interposition is { } interposition)
        {
            await interposition.DisposeAsync();
        }

        listener?.Dispose();
        foreach (var lanes in _running.Keys)
        {
            _peers.TryRemove(lanes.Name, out _);
            lanes.Stop(new CloseReason(CloseKind.TransportDisposed), graceful: false);
        }

        foreach (var inbound in _inbound.Keys)
        {
            inbound.Abort();
        }

        var loops = new List<Task>();
        if (listener is not null)
        {
            loops.Add(listener.AcceptLoop);
        }

        loops.AddRange(_running.Keys.Select(l => l.Completion));
        loops.AddRange(_inbound.Keys.Select(c => c.Completion));
        try
        {
            await Task.WhenAll(loops).WaitAsync(_context.Settings.ConnectTimeout, _context.TimeProvider);
        }
        catch (TimeoutException)
        {
            TransportLog.DisposeTimedOut(_context.Logger, _context.Settings.ConnectTimeout);
        }
    }

    private OutboundConnection PickLane(NodeName peer, string channel, int index, int? partitionKey)
        => TryPickLane(peer, index, partitionKey) ?? throw new NodeNotConnectedException(peer, channel);

    private OutboundConnection? TryPickLane(NodeName peer, int index, int? partitionKey)
    {
        if (!_peers.TryGetValue(peer, out var lanes))
        {
            return null;
        }

        return lanes.Pick(index, partitionKey)
            ?? (index != _context.DefaultChannel ? lanes.Pick(_context.DefaultChannel, partitionKey) : null);
    }

    private void Accept(Socket socket)
    {
        if (_disposed)
        {
            socket.Dispose();
            return;
        }

        var connection = new InboundConnection(_context, _events, socket, c => _inbound.TryRemove(c, out _));
        _inbound[connection] = 0;
        connection.Start();
        if (_disposed)
        {
            connection.Abort();
        }
    }

    /// <summary>Serializes <paramref name="message"/> for <paramref name="connection"/>, numbering its type there.</summary>
    private PooledFrame Encode(object message, OutboundConnection connection)
        => FrameCodec.Encode(_context.Codec, message, _context.Settings.MaxFrameSize, connection.Frames, connection.Types);

    /// <summary>
    /// <paramref name="frame"/> if it may go on <paramref name="connection"/>; otherwise (it refers to
    /// another connection's type numbers) it is returned and the message encoded again for this one.
    /// </summary>
    private PooledFrame Reframe(PooledFrame frame, object message, OutboundConnection connection)
    {
        if (frame.EncodedFor is null || frame.EncodedFor == connection.Types)
        {
            return frame;
        }

        frame.Return();
        return Encode(message, connection);
    }
}

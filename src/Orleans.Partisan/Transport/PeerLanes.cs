namespace Orleans.Partisan.Transport;

/// <summary>
/// The outbound lanes to one peer: for every channel of this node, <c>parallelism</c> lanes, each kept
/// open by its own loop that dials, runs the connection and redials with backoff once it is lost,
/// until <see cref="Stop"/>. The default channel's lane 0 is opened first, then the others.
/// </summary>
internal sealed class PeerLanes
{
    private readonly TransportContext _context;
    private readonly PeerEventDispatcher _dispatcher;
    private readonly OutboundConnection?[][] _lanes;
    private readonly int[] _nextLane;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstOpened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _lock = new();
    private NodeSpec _spec;
    private bool _stopped;

    public PeerLanes(TransportContext context, PeerEventDispatcher dispatcher, NodeSpec spec)
    {
        _context = context;
        _dispatcher = dispatcher;
        _spec = spec;
        _lanes = new OutboundConnection?[context.ChannelNames.Length][];
        for (var i = 0; i < _lanes.Length; i++)
        {
            _lanes[i] = new OutboundConnection?[context.ChannelOptions[i].Parallelism];
        }

        _nextLane = new int[_lanes.Length];
        Completion = Task.CompletedTask;
    }

    /// <summary>The peer's name.</summary>
    public NodeName Name => _spec.Name;

    /// <summary>The spec used to dial; may be updated by a later Connect.</summary>
    public NodeSpec Spec
    {
        get => Volatile.Read(ref _spec);
        set => Volatile.Write(ref _spec, value);
    }

    /// <summary>Completes when every lane loop has ended.</summary>
    public Task Completion { get; private set; }

    /// <summary>Starts the lane loops.</summary>
    public void Start()
    {
        var loops = new List<Task>();
        for (var channel = 0; channel < _lanes.Length; channel++)
        {
            for (var lane = 0; lane < _lanes[channel].Length; lane++)
            {
                loops.Add(RunLaneAsync(channel, lane));
            }
        }

        Completion = Task.WhenAll(loops);
    }

    /// <summary>
    /// An open lane of <paramref name="channel"/>: lane <c>key mod parallelism</c> for a partition key, else
    /// the next in turn; if that lane is not open, another open lane of the channel; null if none.
    /// </summary>
    public OutboundConnection? Pick(int channel, int? partitionKey)
    {
        var lanes = _lanes[channel];
        var count = lanes.Length;
        int start;
        if (partitionKey is { } key)
        {
            start = (key & int.MaxValue) % count;
        }
        else
        {
            start = count == 1 ? 0 : (int)((uint)Interlocked.Increment(ref _nextLane[channel]) % (uint)count);
        }

        for (var i = 0; i < count; i++)
        {
            var index = start + i;
            if (index >= count)
            {
                index -= count;
            }

            var connection = Volatile.Read(ref lanes[index]);
            if (connection is not null && connection.IsOpen)
            {
                return connection;
            }
        }

        return null;
    }

    /// <summary>Whether any lane (of <paramref name="channel"/>, or of any channel when it is -1) is open.</summary>
    public bool IsConnected(int channel)
    {
        for (var c = 0; c < _lanes.Length; c++)
        {
            if (channel >= 0 && c != channel)
            {
                continue;
            }

            foreach (var connection in _lanes[c])
            {
                if (connection is { IsOpen: true })
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether every lane of every channel is open.</summary>
    public bool IsFullyConnected()
    {
        foreach (var lanes in _lanes)
        {
            foreach (var connection in lanes)
            {
                if (connection is not { IsOpen: true })
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Adds the open lanes to <paramref name="into"/>.</summary>
    public void AddConnections(List<ConnectionInfo> into)
    {
        foreach (var lanes in _lanes)
        {
            foreach (var connection in lanes)
            {
                if (connection is { IsOpen: true })
                {
                    into.Add(new ConnectionInfo(connection.Peer.Name, connection.Channel, connection.Lane, ConnectionDirection.Outbound, connection.Queue.Count));
                }
            }
        }
    }

    /// <summary>
    /// Stops redialling and closes the lanes: gracefully (what is queued is sent first, within the
    /// connect timeout) or at once.
    /// </summary>
    public void Stop(CloseReason reason, bool graceful)
    {
        List<OutboundConnection> open = [];
        lock (_lock)
        {
            _stopped = true;
            foreach (var lanes in _lanes)
            {
                foreach (var connection in lanes)
                {
                    if (connection is not null)
                    {
                        open.Add(connection);
                    }
                }
            }
        }

        _stop.Cancel();
        foreach (var connection in open)
        {
            if (graceful)
            {
                connection.CloseGracefully(reason, _context.Settings.ConnectTimeout);
            }
            else
            {
                connection.Abort(reason);
            }
        }
    }

    private async Task RunLaneAsync(int channel, int lane)
    {
        await Task.Yield();
        var stop = _stop.Token;
        var channelName = _context.ChannelNames[channel];
        try
        {
            if (channel != _context.DefaultChannel || lane != 0)
            {
                await _firstOpened.Task.WaitAsync(stop);
            }

            var backoff = _context.Settings.ReconnectInterval;
            while (!stop.IsCancellationRequested)
            {
                var spec = Spec;
                OutboundConnection? connection = null;
                try
                {
                    var dialled = await Dialler.DialAsync(_context, spec.ListenAddresses, spec.Name, channelName, lane, stop);
                    connection = new OutboundConnection(_context, dialled, channel, lane);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (ConnectionRefusedException)
                {
                    // Logged and counted where it was refused; a restarted node may appear there: retry.
                }
                catch (Exception exception)
                {
                    TransportLog.DialFailed(_context.Logger, spec.Name, channelName, lane, exception.Message, backoff);
                }

                if (connection is not null)
                {
                    if (!await RunConnectionAsync(channel, lane, connection))
                    {
                        break;
                    }

                    backoff = _context.Settings.ReconnectInterval;
                }

                await Task.Delay(backoff, _context.TimeProvider, stop);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _context.Settings.MaxReconnectInterval.Ticks));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped.
        }
        catch (Exception exception)
        {
            TransportLog.LoopFailed(_context.Logger, exception, $"lane {lane} of channel '{channelName}' to node '{Name}'");
        }
    }

    /// <summary>Installs and runs one connection until it closes; false if the lanes were stopped meanwhile.</summary>
    private async Task<bool> RunConnectionAsync(int channel, int lane, OutboundConnection connection)
    {
        lock (_lock)
        {
            if (!_stopped)
            {
                connection.Start();
                Volatile.Write(ref _lanes[channel][lane], connection);
            }
        }

        if (!ReferenceEquals(Volatile.Read(ref _lanes[channel][lane]), connection))
        {
            // Stopped while dialling: nothing was queued, nothing to report.
            await connection.CloseUnstartedAsync();
            return false;
        }

        _firstOpened.TrySetResult();
        _dispatcher.LaneOpened(connection.Peer);
        var reason = await connection.Completion;
        lock (_lock)
        {
            Volatile.Write(ref _lanes[channel][lane], null);
        }

        _dispatcher.LaneClosed(connection.Peer.Name, reason);
        return !_stop.IsCancellationRequested;
    }
}

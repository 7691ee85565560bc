using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.HyParView;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// Runs a peer-service core: feeds it joins, leaves, messages, connection events and ticks, one at
/// a time on one loop, and carries out the effects it returns over the transport.
/// </summary>
internal sealed class PeerServiceDriver : IAsyncDisposable
{
    private readonly SerialLoop _work;
    private readonly IPeerServiceCore _core;
    private readonly OverlayTransport _transport;
    private readonly NodeMonitorHub _monitors;
    private readonly PartisanNodeSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<Task> _pendingSends = [];
    private readonly HashSet<NodeName> _heardFrom = [];

    // Messages for peers the core asked to connect to, waiting for the connection to come up.
    private readonly Dictionary<NodeName, Queue<object>> _awaitingConnection = [];
    private const int MaxAwaitingPerPeer = 16;
    private readonly CancellationTokenSource _stopping = new();
    private ImmutableSortedDictionary<NodeName, NodeSpec> _members;
    private ImmutableHashSet<NodeName> _neighbors = [];
    private readonly CoreTimers _timers;
    private (int Active, int Passive) _views = (-1, -1);

    private readonly Action<IReadOnlyCollection<NodeName>>? _membersChanged;
    private volatile bool _hasLeft;

    // Under a partial view (ReportsNodeEvents), on the loop: the peers whose connection is up, and those reported up to the monitors.
    private readonly HashSet<NodeName> _linkUp = [];
    private readonly HashSet<NodeName> _reportedUp = [];

    // Scratch space of ReportNeighbors, kept so that a batch of effects allocates nothing there.
    private readonly HashSet<NodeName> _activeNames = [];
    private readonly List<NodeName> _noLongerNeighbors = [];

    /// <summary>Creates the driver; <paramref name="membersChanged"/> is called on its loop with the member names (this node included) whenever they change.</summary>
    public PeerServiceDriver(IPeerServiceCore core, OverlayTransport transport, NodeMonitorHub monitors, PartisanNodeSettings settings, TimeProvider time, ILogger logger, Action<IReadOnlyCollection<NodeName>>? membersChanged = null)
    {
        _membersChanged = membersChanged;
        _core = core;
        _transport = transport;
        _monitors = monitors;
        _settings = settings;
        _time = time;
        _logger = logger;
        _members = Snapshot();
        _work = new SerialLoop(nameof(PeerServiceDriver), (exception, operation) => RuntimeLog.PeerServiceFailed(logger, exception, operation));
        _timers = new CoreTimers(time, _work.Post);
    }

    /// <summary>The members as of the last operation, this node included; safe to read from any thread.</summary>
    public ImmutableSortedDictionary<NodeName, NodeSpec> Members => Volatile.Read(ref _members);

    /// <summary>The members this node keeps connections to (<see cref="IPeerServiceCore.IsNeighbor"/>), as of the last operation; safe to read from any thread.</summary>
    public ImmutableHashSet<NodeName> Neighbors => Volatile.Read(ref _neighbors);

    /// <summary>
    /// The sizes of HyParView's active and passive views as of the last operation, or (-1, -1) under another peer
    /// service; safe to read from any thread (the pair may straddle two operations).
    /// </summary>
    public (int Active, int Passive) ViewSizes => (Volatile.Read(ref _views.Active), Volatile.Read(ref _views.Passive));

    /// <summary>
    /// Whether this driver, not the transport, reports the members' <c>nodeup</c> and <c>nodedown</c>: under HyParView a node
    /// is up while it is a neighbour (in the active view) with its connection up. The core also opens connections to carry one
    /// answer to a node that is no neighbour (a refused NEIGHBOR request, a DISCONNECT to a stale sender) and closes them at
    /// once; reported by the transport, each would be a <c>nodeup</c> and a <c>nodedown</c> of a node that never left.
    /// </summary>
    public bool ReportsNodeEvents => _settings.PeerService == PartisanPeerService.HyParView;

    /// <summary>Whether this node left the overlay, or was removed from it, and has not joined again; safe to read from any thread.</summary>
    public bool HasLeft => _hasLeft;

    public void Start()
    {
        _work.Start();
        _work.Post(() =>
        {
            _membersChanged?.Invoke(_members.Keys.ToList());
            return Execute(_core.Start());
        });
    }

    public Task JoinAsync(NodeSpec seed) => _work.Invoke(() =>
    {
        _hasLeft = false;
        _heardFrom.Remove(seed.Name);
        return Execute(_core.Join(seed));
    });

    public Task RejoinAsync(NodeSpec contact) => _work.Invoke(() =>
    {
        _hasLeft = false;
        return Execute(_core.Rejoin(contact));
    });

    /// <summary>
    /// Has <paramref name="node"/> leave. When it is this node, the leave is over once the members told of
    /// it have dropped their connections to this node (bounded by <see cref="PartisanNodeSettings.LeaveTimeout"/>):
    /// they drop them after handling the leave, so none of them sees these connections close first and
    /// takes the leave for a failure.
    /// </summary>
    public Task LeaveAsync(NodeName node) => _work.Invoke(async () =>
    {
        var told = node == _core.Self.Name ? _core.Members.Select(m => m.Name).Where(n => n != node && _core.IsNeighbor(n)).ToList() : [];
        await Execute(_core.Leave(node)).ConfigureAwait(false);
        if (told.Count > 0)
        {
            await WaitUntilDroppedAsync(told).ConfigureAwait(false);
        }
    });

    /// <summary>The core's active and passive views, read on the loop.</summary>
    public Task<PeerServiceViews> GetViewsAsync() => _work.Invoke(() => Task.FromResult(new PeerServiceViews(
        [.. _core.ActiveView.Select(s => s.Name).Order()],
        [.. _core.PassiveView.Select(s => s.Name).Order()])));

    /// <summary>Whether the peer service has merged a message from <paramref name="node"/> since this node last joined it.</summary>
    public Task<bool> HasHeardFromAsync(NodeName node) => _work.Invoke(() => Task.FromResult(_heardFrom.Contains(node)));

    public void OnMessage(NodeName from, object message) => _work.Post(() =>
    {
        _heardFrom.Add(from);
        return Execute(_core.Handle(from, message));
    });

    public void OnPeerUp(NodeName peer) => _work.Post(() =>
    {
        _linkUp.Add(peer);
        if (_awaitingConnection.TryGetValue(peer, out var waiting) && waiting.Count > 0)
        {
            var messages = waiting.ToArray();
            waiting.Clear();
            foreach (var message in messages)
            {
                Send(new SendEffect(peer, message));
            }
        }

        return Execute(_core.PeerUp(peer));
    });

    /// <summary>The last connection to <paramref name="peer"/> closed, for <paramref name="reason"/>.</summary>
    public void OnPeerDown(NodeName peer, NodeDownReason reason) => _work.Post(() =>
    {
        _linkUp.Remove(peer);
        if (_reportedUp.Remove(peer))
        {
            // A neighbour's connection was lost: down for that reason, before the core forgets it (which would say Left).
            _monitors.NodeDown(peer, reason);
        }

        return Execute(_core.PeerDown(peer));
    });

    public bool IsProtocolMessage(object message) => _core.IsProtocolMessage(message);

    public async ValueTask DisposeAsync()
    {
        var stopped = _work.StopAsync();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await stopped.ConfigureAwait(false);
        await _timers.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task Execute(IReadOnlyList<PeerServiceEffect> effects)
    {
        var before = _members;
        if (effects.Any(e => e is MemberLeftEffect))
        {
            // The members first: a subscriber told that a node left does not find it known. The nodedown itself goes
            // in the effects' order, before the connection's close that may follow (which would say Disconnected).
            Volatile.Write(ref _members, Snapshot());
        }

        foreach (var effect in effects)
        {
            switch (effect)
            {
                case SendEffect send:
                    Send(send);
                    break;
                case ConnectEffect connect when connect.Peer.Name != _core.Self.Name:
                    _awaitingConnection.TryAdd(connect.Peer.Name, new Queue<object>());
                    _transport.Connect(connect.Peer);
                    break;
                case DisconnectEffect disconnect:
                    _awaitingConnection.Remove(disconnect.Peer);
                    await FlushPendingSendsAsync().ConfigureAwait(false);
                    _transport.Disconnect(disconnect.Peer);
                    break;
                case ProbeEffect probe:
                    _ = ProbeAsync(probe.Endpoint);
                    break;
                case ArmTimerEffect arm:
                    _timers.Arm(arm.Timer, arm.Due, arm.Periodic, timer => Execute(_core.OnTimer(timer)));
                    break;
                case MemberJoinedEffect joined:
                    RuntimeLog.MemberJoined(_logger, joined.Member);
                    if (_settings.IsClusterClient)
                    {
                        // A client connects to its gateways only: it sees the other silos come and go in the gateways' lists.
                        _monitors.NodeUp(joined.Member.Name);
                    }

                    break;
                case MemberLeftEffect left:
                    RuntimeLog.MemberLeft(_logger, left.Member.Name);
                    _monitors.NodeDown(left.Member.Name, NodeDownReason.Left);
                    break;
                case SelfLeftEffect selfLeft when selfLeft.RemovedBy == _core.Self.Name:
                    _hasLeft = true;
                    RuntimeLog.SelfLeft(_logger);
                    break;
                case SelfLeftEffect selfLeft:
                    _hasLeft = true;
                    RuntimeLog.SelfRemoved(_logger, selfLeft.RemovedBy);
                    break;
            }
        }

        var members = Snapshot();
        var changed = !members.Keys.SequenceEqual(before.Keys);
        Volatile.Write(ref _members, members);
        Volatile.Write(ref _neighbors, [.. members.Keys.Where(m => m != _core.Self.Name && _core.IsNeighbor(m))]);
        if (_core is HyParViewCore hyParView)
        {
            Volatile.Write(ref _views.Active, hyParView.ActiveCount);
            Volatile.Write(ref _views.Passive, hyParView.PassiveCount);
        }

        if (changed)
        {
            _membersChanged?.Invoke(members.Keys.ToList());
        }

        if (ReportsNodeEvents)
        {
            ReportNeighbors();
        }
    }

    /// <summary>Reports up the neighbours whose connection is up, and down those reported up that are neighbours no more.</summary>
    private void ReportNeighbors()
    {
        var neighbors = _activeNames;
        neighbors.Clear();
        foreach (var neighbor in _core.ActiveView)
        {
            neighbors.Add(neighbor.Name);
        }

        if (!neighbors.IsSupersetOf(_reportedUp))
        {
            _noLongerNeighbors.Clear();
            _noLongerNeighbors.AddRange(_reportedUp);
            foreach (var peer in _noLongerNeighbors)
            {
                if (!neighbors.Contains(peer))
                {
                    // Moved to the passive view or forgotten: its connection is being closed (a removed member was reported Left).
                    _reportedUp.Remove(peer);
                    _monitors.NodeDown(peer, NodeDownReason.ConnectionClosed);
                }
            }
        }

        foreach (var neighbor in neighbors)
        {
            if (_linkUp.Contains(neighbor) && _reportedUp.Add(neighbor))
            {
                _monitors.NodeUp(neighbor);
            }
        }
    }

    private void Send(SendEffect send)
    {
        try
        {
            var pending = _transport.SendAsync(send.To, PartisanChannels.Default, send.Message, partitionKey: null, supersedeKey: null, _stopping.Token);
            if (!pending.IsCompletedSuccessfully)
            {
                _pendingSends.RemoveAll(t => t.IsCompleted);
                _pendingSends.Add(ObserveAsync(send.To, pending));
            }
        }
        catch (NodeNotConnectedException) when (_awaitingConnection.TryGetValue(send.To, out var waiting))
        {
            // The connection the core asked for is not up yet: send when it is.
            if (waiting.Count == MaxAwaitingPerPeer)
            {
                waiting.Dequeue();
            }

            waiting.Enqueue(send.Message);
        }
        catch (PartisanException exception)
        {
            RuntimeLog.ProtocolSendSkipped(_logger, send.To, exception.Message);
        }
    }

    /// <summary>Asks which node listens at <paramref name="endpoint"/> (a dial and handshake within the connect timeout) and tells the core on its loop.</summary>
    private async Task ProbeAsync(string endpoint)
    {
        NodeSpec? found = null;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            deadline.CancelAfter(_settings.Transport.ConnectTimeout);
            found = await _transport.ProbeAsync(System.Net.IPEndPoint.Parse(endpoint), deadline.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or System.Net.Sockets.SocketException or IOException or PartisanException)
        {
            RuntimeLog.ProbeFailed(_logger, endpoint, exception.Message);
        }

        if (!_stopping.IsCancellationRequested)
        {
            _work.Post(() => Execute(_core.Probed(endpoint, found)));
        }
    }

    private async Task ObserveAsync(NodeName to, ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            RuntimeLog.ProtocolSendSkipped(_logger, to, exception.Message);
        }
    }

    private async Task WaitUntilDroppedAsync(IReadOnlyCollection<NodeName> peers)
    {
        try
        {
            await _transport.WhenDroppedByAsync(peers).WaitAsync(_settings.LeaveTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var remaining = _transport.GetConnections().Where(c => c.Direction == ConnectionDirection.Inbound && peers.Contains(c.Peer)).Select(c => c.Peer).Distinct();
            RuntimeLog.LeaveNotAcknowledged(_logger, string.Join(", ", remaining), _settings.LeaveTimeout);
        }
    }

    private async Task FlushPendingSendsAsync()
    {
        if (_pendingSends.Count == 0)
        {
            return;
        }

        try
        {
            await Task.WhenAll(_pendingSends).WaitAsync(_settings.LeaveTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            RuntimeLog.ProtocolSendSkipped(_logger, _core.Self.Name, $"{_pendingSends.Count(t => !t.IsCompleted)} peer-service messages were still waiting for a full send queue after {_settings.LeaveTimeout}");
        }

        _pendingSends.Clear();
    }

    private ImmutableSortedDictionary<NodeName, NodeSpec> Snapshot()
        => _core.Members.ToImmutableSortedDictionary(m => m.Name, m => m);
}

using System.Net;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.Broadcast;
using Orleans.Partisan.Protocols.ClientServer;
using Orleans.Partisan.Protocols.FullMesh;
using Orleans.Partisan.Protocols.Gateway;
using Orleans.Partisan.Protocols.HyParView;
using Orleans.Partisan.Protocols.Static;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// The overlay node: owns the transport, the peer-service driver, local delivery and node
/// monitors, and implements <see cref="IPartisan"/> on top of them.
/// </summary>
internal sealed partial class PartisanNode : IPartisan, ITransportEvents, IAsyncDisposable
{
    private readonly PartisanNodeSettings _settings;
    private readonly ILogger _logger;
    private readonly OverlayTransport _transport;
    private readonly LocalDispatcher _dispatcher;
    private readonly NodeMonitorHub _monitors;
    private readonly TimeProvider _time;
    private readonly TransitiveRelay _relay;
    private readonly WitnessProbe _witness;
    private readonly CallTracker _calls;
    private readonly DeliveryLayer _delivery;
    private readonly IBroadcastHandlerInvoker? _broadcastInvoker;
    private readonly ClientGateway? _clients;
    private PeerServiceDriver? _driver;
    private BroadcastDriver? _broadcast;
    private long _nextRef;
    private int _disposed;

    public PartisanNode(PartisanNodeSettings settings, WireCodec codec, ILoggerFactory loggerFactory, TimeProvider time, IGrainMessageSink? grainSink = null, IPartisanInterposer? interposer = null, IBroadcastHandlerInvoker? broadcastInvoker = null)
    {
        _broadcastInvoker = broadcastInvoker;
        _settings = settings;
        _time = time;
        _logger = loggerFactory.CreateLogger<PartisanNode>();
        Name = settings.Transport.LocalName;
        Channels = settings.Transport.Channels;
        var transportSettings = settings.PeerService == PartisanPeerService.Static ? settings.Transport with { Admission = AdmitListed(settings.StaticMembers) } : settings.Transport;
        _transport = new OverlayTransport(transportSettings, codec, this, loggerFactory.CreateLogger<OverlayTransport>(), time, interposer);
        _calls = new CallTracker(Name, (node, target, message, options, call, ct) => Send(node, target, message, options, isCast: false, call, ct), time, settings.CallTimeout, _logger);
        _dispatcher = new LocalDispatcher(Name, grainSink, _calls, _logger);
        _monitors = new NodeMonitorHub(Name, _dispatcher, _logger);
        _clients = settings.IsClusterClient ? null : new ClientGateway(_transport, () => Driver.Members.Values, time, _logger);
        _relay = new TransitiveRelay(Name, _transport, _dispatcher, settings.RelayHopLimit, _logger, throughOne: IsClient || settings.IsClusterClient, _clients);
        _witness = new WitnessProbe(this, _logger);
        _processes = new ProcessMonitors(this, _dispatcher, settings.IsClusterClient || settings.PeerService is PartisanPeerService.HyParView or PartisanPeerService.ClientServer, settings.ProcessMonitorCheckInterval, time, _logger);
        _monitors.WentDown = (node, reason) =>
        {
            _calls.OnNodeDown(node, reason);
            _processes.OnNodeDown(node);
        };
        ObserverLeases = new ObserverLeases(_monitors, time, _logger);
        _delivery = new DeliveryLayer(Name, settings.Delivery, settings.PeerService is not PartisanPeerService.HyParView, Channels, _transport, _relay, _dispatcher, (node, target, message, options) => ForwardMessageAsync(node, target, message, options), time, _logger);
        _dispatcher.Delivery = _delivery;
    }

    public NodeName Name { get; }

    public NodeSpec Spec => _transport.LocalSpec;

    public string DefaultChannel => PartisanChannels.Default;

    public IReadOnlyDictionary<string, ChannelOptions> Channels { get; }

    private PeerServiceDriver Driver => _driver ?? throw NotStarted();

    private BroadcastDriver Broadcaster => _broadcast ?? throw NotStarted();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _transport.StartAsync(cancellationToken).ConfigureAwait(false);
        var seed = _settings.RandomSeed ?? System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue);
        IPeerServiceCore core = _settings.IsClusterClient ? new GatewayClientCore(Spec, _settings.ClientGateways, _settings.ClientRenewInterval) : _settings.PeerService switch
        {
            PartisanPeerService.FullMesh => new FullMeshCore(Spec, _settings.GossipInterval),
            PartisanPeerService.HyParView => new HyParViewCore(Spec, _settings.HyParView, new Random(seed)),
            PartisanPeerService.ClientServer => new ClientServerCore(Spec, _settings.ClientServerRole, _settings.GossipInterval),
            PartisanPeerService.Static => new StaticCore(Spec, ListedEndpoints(), _settings.Transport.ReconnectInterval, _settings.Transport.MaxReconnectInterval, new Random(seed)),
            _ => throw new NotSupportedException($"Peer service {_settings.PeerService} is not supported."),
        };
        _broadcast = new BroadcastDriver(
            new PlumtreeCore(Name, _settings.Plumtree, new Random(unchecked(seed + 1))), // a stream of its own, replayable from the logged seed
            _transport,
            _settings.BroadcastHandlers,
            _broadcastInvoker,
            _settings.Plumtree.HandlerTimeout,
            _time,
            _logger);
        _broadcast.Start();
        _driver = new PeerServiceDriver(core, _transport, _monitors, _settings, _time, _logger, members =>
        {
            _broadcast.OnMembersChanged(members);
            _delivery.OnMembersChanged(members);
        });
        _driver.Start();
        _processes.Start();
        StartGauges();
        RuntimeLog.Started(_logger, Name, string.Join(",", Spec.ListenAddresses), _settings.PeerService, string.Join(", ", Channels.Select(c => $"{c.Key} ({c.Value})")), seed);
    }

    public ChannelOptions GetChannelOptions(string channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return Channels.TryGetValue(channel, out var options) ? options : throw UnknownChannel(channel);
    }

    public NodeSpec? GetNodeSpec(NodeName node) => node == Name ? Spec : Driver.Members.GetValueOrDefault(node);

    public IReadOnlyList<NodeName> GetNodes(NodeSelection selection = NodeSelection.Visible)
    {
        var members = Driver.Members;
        IEnumerable<NodeName> nodes = selection switch
        {
            NodeSelection.This => [Name],
            NodeSelection.Known => members.Keys,
            NodeSelection.Visible or NodeSelection.Connected => Connected(),
            NodeSelection.All => members.Keys.Concat(Connected()).Append(Name),
            _ => throw new ArgumentOutOfRangeException(nameof(selection), selection, "Unknown node selection."),
        };
        return nodes.Distinct().Order().ToList();

        IEnumerable<NodeName> Connected() => _transport.ConnectedPeers();
    }

    public Task<PeerServiceViews> GetViewsAsync() => Driver.GetViewsAsync();

    public bool IsConnected(NodeName node) => _transport.IsConnected(node);

    public bool IsConnected(NodeName node, string channel)
    {
        GetChannelOptions(channel);
        return _transport.IsConnected(node, channel);
    }

    public bool IsFullyConnected(NodeName node) => _transport.IsFullyConnected(node);

    public IReadOnlyList<ConnectionInfo> GetConnections() => _transport.GetConnections();

    public ValueTask DisconnectNodeAsync(NodeName node)
    {
        _monitors.NodeDown(node, NodeDownReason.Disconnected);
        _delivery.OnPeerDown(node, NodeDownReason.Disconnected);
        _transport.Disconnect(node);
        return ValueTask.CompletedTask;
    }

    public async Task JoinAsync(NodeSpec seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seed);
        if (seed.Name == Name)
        {
            return;
        }

        if (_settings.PeerService == PartisanPeerService.Static && !_settings.StaticMembers.Any(seed.ListenAddresses.Contains))
        {
            throw new ArgumentException($"Under the static peer service only listed nodes can be joined, and {seed} listens at no endpoint of Static.Members [{string.Join(", ", _settings.StaticMembers)}].", nameof(seed));
        }

        _clients?.Join();
        await Driver.JoinAsync(seed).WaitAsync(cancellationToken).ConfigureAwait(false);

        // sync_join: done once the seed's membership has been merged and every member is fully connected.
        var poll = TimeSpan.FromMilliseconds(20);
        while (!await IsJoinedAsync(seed.Name).WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            await Task.Delay(poll, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task JoinAsync(IPEndPoint seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var spec = await _transport.ProbeAsync(seed, cancellationToken).ConfigureAwait(false);
        await JoinAsync(spec, cancellationToken).ConfigureAwait(false);
    }

    public Task LeaveAsync(CancellationToken cancellationToken = default) => LeaveAsync(Name, cancellationToken);

    public async Task LeaveAsync(NodeName node, CancellationToken cancellationToken = default)
    {
        var driver = Driver;
        if (node != Name && _settings.PeerService == PartisanPeerService.Static)
        {
            // Static members are never removed: the list is the membership.
            return;
        }

        IReadOnlyCollection<NodeName> moving = [];
        if (node == Name)
        {
            _processes.Leaving();

            // Before the members are dropped: the attached clients' last welcome lists the silos they can move to.
            moving = _clients?.Leave() ?? [];
        }

        var leaving = driver.LeaveAsync(node);
        _processes.NodeRemoved(node);
        await leaving.WaitAsync(cancellationToken).ConfigureAwait(false);
        await WhenClientsMovedAsync(moving, cancellationToken).ConfigureAwait(false);
        _delivery.NodeLeft(node);
    }

    public bool MonitorNode(NodeName node, bool enable, NodeEventSubscriber subscriber) => _monitors.MonitorNode(node, enable, subscriber);

    public void MonitorNodes(bool enable, NodeEventSubscriber subscriber, MonitorNodesOptions? options = null) => _monitors.MonitorNodes(enable, subscriber, options);

    public IAsyncEnumerable<NodeEvent> WatchNodesAsync(CancellationToken cancellationToken = default) => _monitors.Watch(cancellationToken);

    public Task<bool> BroadcastAsync<THandler>(object message, CancellationToken cancellationToken = default)
        where THandler : IPartisanBroadcastHandler
        => Broadcaster.BroadcastAsync(Broadcaster.HandlerName(typeof(THandler)), message, cancellationToken);

    public Task<bool> BroadcastAsync(string handler, object message, CancellationToken cancellationToken = default)
        => Broadcaster.BroadcastAsync(handler, message, cancellationToken);

    public IReadOnlyList<string> BroadcastHandlers => [.. _settings.BroadcastHandlers.Select(h => h.Name).Order(StringComparer.Ordinal)];

    public Task<IReadOnlyList<BroadcastTree>> GetBroadcastTreesAsync() => Broadcaster.GetTreesAsync();

    public BroadcastStatistics GetBroadcastStatistics() => Broadcaster.Statistics;

    void ITransportEvents.OnPeerUp(NodeSpec peer)
    {
        _clients?.OnPeerUp(peer.Name);
        var client = ClusterClientName.IsClient(peer.Name);
        if (_settings.IsClusterClient)
        {
            ClientLog.GatewayUp(_logger, Name, peer.Name);
        }

        if (client || _driver is not { ReportsNodeEvents: true })
        {
            _monitors.NodeUp(peer.Name);
        }

        _delivery.OnPeerUp(peer.Name);
        if (!client)
        {
            // An attached client is no member of the peer service; its connection is the gateway's business.
            _driver?.OnPeerUp(peer.Name);
        }

        _broadcast?.OnNeighborUp(peer.Name);
    }

    void ITransportEvents.OnPeerDown(NodeName peer, CloseReason reason)
    {
        _clients?.OnPeerDown(peer);
        var client = ClusterClientName.IsClient(peer);
        if (_settings.IsClusterClient && reason.Kind != CloseKind.Disconnected)
        {
            ClientLog.GatewayLost(_logger, Name, peer);
        }

        if (client || _driver is not { ReportsNodeEvents: true })
        {
            _monitors.NodeDown(peer, reason.NodeDownReason);
        }

        _delivery.OnPeerDown(peer, reason);
        if (!client)
        {
            _driver?.OnPeerDown(peer, reason.NodeDownReason);
        }

        _broadcast?.OnNeighborDown(peer);
    }

    void ITransportEvents.OnMessage(NodeName from, string channel, object message)
    {
        if (message is ReceivedMessage received)
        {
            _dispatcher.Deliver(received);
        }
        else if (message is ForwardEnvelope envelope)
        {
            _dispatcher.Deliver(from, channel, envelope);
        }
        else if (message is RelayEnvelope relay)
        {
            _relay.OnRelay(from, channel, relay);
        }
        else if (message is GatewayAttach attach && _clients is { } clients)
        {
            clients.OnAttach(from, attach);
        }
        else if (message is ClientRoute route && _clients is { } gateway)
        {
            gateway.OnRoute(from, route);
        }
        else if (message is IBroadcastMessage broadcast && _broadcast is { } broadcaster)
        {
            broadcaster.OnMessage(from, broadcast);
        }
        else if (_driver is { } driver && driver.IsProtocolMessage(message))
        {
            driver.OnMessage(from, message);
        }
        else
        {
            RuntimeLog.UnknownMessage(_logger, message.GetType().FullName ?? "?", from);
            PartisanMetrics.Undeliverable.Add(1, new System.Diagnostics.TagList { { "reason", "unknown-message" } });
        }
    }

    void ITransportEvents.OnTrackedMessage(ReceivedMessage message, DeliveryHeader tracked) => _dispatcher.Deliver(message, tracked);

    void ITransportEvents.OnReceiveBatchEnd() => _delivery.OnReceiveBatchEnd();

    public async ValueTask DisposeAsync()
    {
        // Disposed by the silo lifecycle and again by the service provider.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        StopGauges();
        ObserverLeases.Dispose();
        _clients?.Dispose();
        _witness.Dispose();
        _calls.Stop();
        await _processes.DisposeAsync().ConfigureAwait(false);
        await _delivery.DisposeAsync().ConfigureAwait(false);

        if (_driver is not null)
        {
            await _driver.DisposeAsync().ConfigureAwait(false);
        }

        if (_broadcast is not null)
        {
            await _broadcast.DisposeAsync().ConfigureAwait(false);
        }

        await _transport.DisposeAsync().ConfigureAwait(false);
        await _monitors.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<bool> IsJoinedAsync(NodeName seed)
    {
        if (_settings.PeerService == PartisanPeerService.Static)
        {
            // The static peer service exchanges no membership: joined once connected.
            return _transport.IsFullyConnected(seed);
        }

        if (!await Driver.HasHeardFromAsync(seed).ConfigureAwait(false))
        {
            return false;
        }

        var neighbors = Driver.Neighbors;
        return Driver.Members.Keys.All(m => m == Name || !neighbors.Contains(m) || _transport.IsFullyConnected(m));
    }

    /// <summary>The static members' endpoints, this node's own included; this node must be one of them.</summary>
    private IEnumerable<string> ListedEndpoints()
    {
        var listed = _settings.StaticMembers.Select(e => e.ToString()).ToList();
        if (!listed.Any(Spec.ListensAt))
        {
            throw new InvalidOperationException($"The static peer service lists [{string.Join(", ", listed)}] in Static.Members, and this node listens at {string.Join(", ", Spec.ListenAddresses)}, which is not among them: list this node's own endpoint (ListenAddress and ListenPort) on every member.");
        }

        return listed;
    }

    /// <summary>The transport's admission check under the static peer service: a node must listen at a listed endpoint.</summary>
    private static Func<NodeSpec, string?> AdmitListed(IReadOnlyList<IPEndPoint> members)
    {
        var listed = members.ToHashSet();
        var text = string.Join(", ", members);
        return node => node.ListenAddresses.Any(listed.Contains)
            ? null
            : $"it listens at {string.Join(", ", node.ListenAddresses)}, which is not in this node's Static.Members [{text}]";
    }

    private UnknownChannelException UnknownChannel(string channel) => new(channel, Channels.Keys);

    private static InvalidOperationException NotStarted() => new("The overlay node has not been started.");
}

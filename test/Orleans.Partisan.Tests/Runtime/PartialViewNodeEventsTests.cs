using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Partisan.Protocols;
using Orleans.Partisan.Runtime;
using Orleans.Partisan.Transport;
using Orleans.Serialization;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>
/// Under HyParView the peer-service driver reports node events: a node is up while it is a neighbour (in the core's
/// active view) with its connection up. A connection the core opens to carry one answer to a node that is no
/// neighbour (a refused NEIGHBOR request) is no nodeup, and its close no nodedown.
/// </summary>
public sealed class PartialViewNodeEventsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly NodeName Self = new("self");
    private static readonly NodeSpec Peer = new(new NodeName("peer"), [new IPEndPoint(IPAddress.Loopback, 1)], ImmutableSortedDictionary<string, ChannelOptions>.Empty);

    [Fact]
    public async Task A_connection_that_carries_one_answer_is_no_node_event_and_a_neighbour_is_up_until_its_connection_is_lost()
    {
        await using var harness = await Harness.StartAsync(PartisanPeerService.HyParView);
        Assert.True(harness.Driver.ReportsNodeEvents);

        // A connection to a node that is no neighbour (the refusal of its NEIGHBOR request), opened and closed.
        harness.Driver.OnPeerUp(Peer.Name);
        harness.Driver.OnPeerDown(Peer.Name, NodeDownReason.ConnectionClosed);
        await harness.Driver.GetViewsAsync(); // the fake core is changed off the driver's loop: only once it has handled those

        // The node becomes a neighbour, its connection comes up, and is lost.
        harness.Core.Active = [Peer];
        harness.Driver.OnPeerUp(Peer.Name);
        harness.Driver.OnPeerDown(Peer.Name, NodeDownReason.HeartbeatTimeout);

        Assert.Equal(new NodeEvent(NodeEventKind.Up, Peer.Name, null, Self), await harness.NextAsync("the neighbour's nodeup first: the one-answer connection is no event"));
        Assert.Equal(new NodeEvent(NodeEventKind.Down, Peer.Name, NodeDownReason.HeartbeatTimeout, Self), await harness.NextAsync("the neighbour's nodedown with its connection's reason"));
    }

    [Fact]
    public async Task A_neighbour_whose_connection_came_up_first_is_up_once_it_joins_the_active_view_and_down_when_it_leaves_it()
    {
        await using var harness = await Harness.StartAsync(PartisanPeerService.HyParView);

        // The connection of this node's NEIGHBOR request comes up before the answer makes the node a neighbour.
        harness.Driver.OnPeerUp(Peer.Name);
        await harness.Driver.GetViewsAsync();
        harness.Core.Active = [Peer];
        await harness.Driver.JoinAsync(Peer);
        Assert.Equal(new NodeEvent(NodeEventKind.Up, Peer.Name, null, Self), await harness.NextAsync("nodeup once the node is a neighbour"));

        // Dropped to the passive view: its connection is being closed.
        harness.Core.Active = [];
        await harness.Driver.JoinAsync(Peer);
        harness.Driver.OnPeerDown(Peer.Name, NodeDownReason.ConnectionClosed);
        Assert.Equal(new NodeEvent(NodeEventKind.Down, Peer.Name, NodeDownReason.ConnectionClosed, Self), await harness.NextAsync("nodedown once the node is no neighbour"));
        await harness.Driver.GetViewsAsync();
        Assert.False(harness.TryNext(out var extra), $"one nodedown only; also saw {extra}");
    }

    [Fact]
    public async Task Under_a_full_mesh_the_driver_reports_no_node_event_the_transport_does()
    {
        await using var harness = await Harness.StartAsync(PartisanPeerService.FullMesh);
        Assert.False(harness.Driver.ReportsNodeEvents);
        harness.Core.Active = [Peer];
        harness.Driver.OnPeerUp(Peer.Name);
        await harness.Driver.JoinAsync(Peer);
        Assert.False(harness.TryNext(out var e), $"no node event from the driver under a full mesh; saw {e}");
    }

    private sealed class Harness : IAsyncDisposable
    {
        public static readonly WireCodec Codec = new(new ServiceCollection().AddSerializer().BuildServiceProvider());
        private readonly CancellationTokenSource _stop = new();
        private readonly NodeMonitorHub _hub;
        private readonly OverlayTransport _transport;
        private readonly IAsyncEnumerator<NodeEvent> _events;

        private Harness(PartisanPeerService service)
        {
            var settings = Settings(service);
            _transport = new OverlayTransport(settings.Transport, Codec, new NoEvents(), NullLogger<OverlayTransport>.Instance, TimeProvider.System);
            _hub = new NodeMonitorHub(Self, null!, NullLogger.Instance);
            _events = _hub.Watch(_stop.Token).GetAsyncEnumerator();
            Driver = new PeerServiceDriver(Core, _transport, _hub, settings, TimeProvider.System, NullLogger.Instance);
        }

        public FakeCore Core { get; } = new();

        public PeerServiceDriver Driver { get; }

        public static PartisanNodeSettings Settings(PartisanPeerService service) => new()
        {
            PeerService = service,
            Transport = new TransportSettings
            {
                ClusterId = "driver-tests",
                LocalName = Self,
                ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
                Channels = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, ChannelOptions> { [PartisanChannels.Default] = new() }),
            },
        };

        public static Task<Harness> StartAsync(PartisanPeerService service)
        {
            var harness = new Harness(service);
            harness.Driver.Start();
            return Task.FromResult(harness);
        }

        public async Task<NodeEvent> NextAsync(string expected)
        {
            var next = _events.MoveNextAsync().AsTask();
            if (await Task.WhenAny(next, Task.Delay(Wait)) != next || !await next)
            {
                Assert.Fail($"Timed out after {Wait} waiting for {expected}");
            }

            return _events.Current;
        }

        public bool TryNext(out NodeEvent? next)
        {
            var moved = _events.MoveNextAsync();
            next = moved.IsCompleted && moved.Result ? _events.Current : null;
            return next is not null;
        }

        public async ValueTask DisposeAsync()
        {
            await Driver.DisposeAsync();
            await _stop.CancelAsync();
            await _hub.DisposeAsync();
            await _transport.DisposeAsync();
            _stop.Dispose();
        }
    }

    /// <summary>A core whose active view the test sets; every call returns no effect.</summary>
    private sealed class FakeCore : IPeerServiceCore
    {
        public IReadOnlyCollection<NodeSpec> Active { get; set; } = [];

        public NodeSpec Self { get; } = new(PartialViewNodeEventsTests.Self, [new IPEndPoint(IPAddress.Loopback, 2)], ImmutableSortedDictionary<string, ChannelOptions>.Empty);

        public IReadOnlyCollection<NodeSpec> Members => [Self, .. Active];

        public IReadOnlyCollection<NodeSpec> ActiveView => Active;

        public IReadOnlyList<PeerServiceEffect> Join(NodeSpec contact) => [];

        public IReadOnlyList<PeerServiceEffect> Leave(NodeName node) => [];

        public IReadOnlyList<PeerServiceEffect> Handle(NodeName from, object message) => [];

        public IReadOnlyList<PeerServiceEffect> Start() => [];

        public IReadOnlyList<PeerServiceEffect> OnTimer(CoreTimer timer) => [];

        public IReadOnlyList<PeerServiceEffect> PeerUp(NodeName peer) => [];

        public IReadOnlyList<PeerServiceEffect> PeerDown(NodeName peer) => [];

        public bool IsProtocolMessage(object message) => false;
    }

    private sealed class NoEvents : ITransportEvents
    {
        public void OnPeerUp(NodeSpec peer)
        {
        }

        public void OnPeerDown(NodeName peer, CloseReason reason)
        {
        }

        public void OnMessage(NodeName from, string channel, object message)
        {
        }
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Protocols.Gateway;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// A silo's side of Orleans clients' overlay nodes: the clients attached to this silo (which it dials back and
/// welcomes), and the routes to clients attached to other silos.
/// </summary>
/// <remarks>
/// <para>An attached client is no member of the peer service: the peer-service core never hears of its connection,
/// and nothing but this class dials it. It is a node for everything else (node monitors, process monitors, calls,
/// broadcast, where it is a neighbour of this silo's Plumtree tree).</para>
/// <para>A client attaches by sending <see cref="GatewayAttach"/> on its connection to this silo; this silo dials it
/// and, once connected, answers with <see cref="GatewayWelcome"/> (the silos it knows), then again on every
/// renewal. When this silo's connection to the client is lost, the client is detached (the transport stops
/// redialling it); a client that is still there attaches again at its next renewal. A client not heard from for
/// three of its renewal intervals (it moved to another gateway, or stalled) is detached the same way; attachments
/// are checked every <see cref="CheckInterval"/>. When this silo's node leaves the overlay (<see cref="Leave"/>), each
/// attached client gets a last welcome that lists the other silos and not this one, so it moves to another gateway before
/// this one goes and keeps the silos it can move to; until the node joins again (<see cref="Join"/>), every welcome lists
/// those same silos, however many members the leave has dropped meanwhile, and no new client attaches. Attachments and detachments
/// are announced (<see cref="ClientRoute"/>) to the silos this silo is connected to, and a route is also learned
/// from a relayed message whose origin is a client: the neighbour that handed it on leads back to the client.</para>
/// <para>Thread-safe: called from the transport's connection loops.</para>
/// </remarks>
internal sealed class ClientGateway(OverlayTransport transport, Func<IEnumerable<NodeSpec>> silos, TimeProvider time, ILogger logger) : IDisposable
{
    /// <summary>How often attachments are checked for clients that stopped renewing.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan MinRenewInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRenewInterval = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<NodeName, Attachment> _attached = new();
    private readonly ConcurrentDictionary<NodeName, NodeName> _routes = new();
    private readonly object _timerLock = new();
    private ITimer? _timer;
    private bool _disposed;

    // Set by Leave: the silos this silo knew as it began to leave, without itself; every welcome lists them until Join.
    private volatile NodeSpec[]? _leavingWelcome;

    /// <summary>Whether <paramref name="node"/> is a client attached to this silo.</summary>
    public bool IsAttached(NodeName node) => _attached.ContainsKey(node);

    /// <summary>The clients attached to this silo.</summary>
    public IReadOnlyCollection<NodeName> Attached => [.. _attached.Keys];

    /// <summary>The silo through which <paramref name="client"/> was last known to be reachable, if any.</summary>
    public NodeName? RouteTo(NodeName client) => _routes.TryGetValue(client, out var via) ? via : null;

    /// <summary>A client asked to attach, or renewed its attachment.</summary>
    public void OnAttach(NodeName from, GatewayAttach attach)
    {
        if (attach.Client is null || attach.Client.Name != from)
        {
            ClientLog.ForeignAttach(logger, from, attach.Client?.Name ?? default);
            PartisanMetrics.Undeliverable.Add(1, new System.Diagnostics.TagList { { "reason", "foreign-attach" } });
            return;
        }

        if (_leavingWelcome is not null && !_attached.ContainsKey(from))
        {
            // A leaving silo takes no client on; the client gives it up for want of a welcome.
            return;
        }

        var interval = attach.RenewInterval < MinRenewInterval ? MinRenewInterval : attach.RenewInterval > MaxRenewInterval ? MaxRenewInterval : attach.RenewInterval;
        var attachment = new Attachment(interval, time.GetTimestamp());
        if (_attached.TryAdd(from, attachment))
        {
            _routes.TryRemove(from, out _);
            ClientLog.Attached(logger, from);
            transport.Connect(attach.Client);
            Announce(from, attached: true);
            StartChecking();
        }
        else if (_attached.TryGetValue(from, out var known))
        {
            known.Renewed(time.GetTimestamp(), interval);
            if (transport.IsConnected(from))
            {
                Welcome(from);
            }
        }
    }

    /// <summary>
    /// This silo's node is leaving the overlay: sends every attached client a last welcome without this silo, before the
    /// members are dropped, so that each client moves to one of the silos listed; welcomes that follow list the same silos
    /// (not the members left as the leave drops them, which would leave a client with no silo to move to). Returns the
    /// clients welcomed: each drops its connections to this silo once it has taken the welcome in.
    /// </summary>
    public IReadOnlyCollection<NodeName> Leave()
    {
        var self = transport.LocalSpec.Name;
        _leavingWelcome = [.. silos().Where(s => s.Name != self)];
        var welcomed = Attached;
        foreach (var client in welcomed)
        {
            Welcome(client);
        }

        return welcomed;
    }

    /// <summary>This silo's node joins the overlay again after <see cref="Leave"/>: it welcomes and takes on clients again.</summary>
    public void Join() => _leavingWelcome = null;

    public void Dispose()
    {
        lock (_timerLock)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>A peer came up; an attached client is welcomed.</summary>
    public void OnPeerUp(NodeName peer)
    {
        if (_attached.ContainsKey(peer))
        {
            Welcome(peer);
        }
    }

    /// <summary>A peer went down: an attached client is detached; routes through a silo are forgotten.</summary>
    public void OnPeerDown(NodeName peer)
    {
        if (Detach(peer))
        {
            return;
        }

        foreach (var (client, via) in _routes)
        {
            if (via == peer)
            {
                _routes.TryRemove(new KeyValuePair<NodeName, NodeName>(client, via));
            }
        }
    }

    /// <summary>Detaches <paramref name="client"/> if it is attached: stops dialling it and tells the silos.</summary>
    private bool Detach(NodeName client)
    {
        if (!_attached.TryRemove(client, out _))
        {
            return false;
        }

        transport.Disconnect(client);
        ClientLog.Detached(logger, client);
        Announce(client, attached: false);
        return true;
    }

    private void StartChecking()
    {
        lock (_timerLock)
        {
            if (!_disposed)
            {
                _timer ??= time.CreateTimer(_ => Check(), null, CheckInterval, CheckInterval);
            }
        }
    }

    /// <summary>Detaches the clients not heard from for three of their renewal intervals.</summary>
    private void Check()
    {
        var now = time.GetTimestamp();
        foreach (var (client, attachment) in _attached)
        {
            if (attachment.IsOverdue(time, now))
            {
                Detach(client);
            }
        }
    }

    /// <summary>Another silo announced that a client attached to it or detached.</summary>
    public void OnRoute(NodeName from, ClientRoute route)
    {
        if (route.Attached)
        {
            _routes[route.Client] = from;
        }
        else
        {
            _routes.TryRemove(new KeyValuePair<NodeName, NodeName>(route.Client, from));
        }
    }

    /// <summary>A relayed message from the client <paramref name="client"/> came in through <paramref name="via"/>: the way back, unless a gateway announced one.</summary>
    public void Learn(NodeName client, NodeName via)
    {
        if (!_attached.ContainsKey(client))
        {
            _routes.TryAdd(client, via);
        }
    }

    /// <summary>An attached client: how often it renews, and when it last did.</summary>
    private sealed class Attachment(TimeSpan interval, long renewedAt)
    {
        private long _renewedAt = renewedAt;
        private long _intervalTicks = interval.Ticks;

        public void Renewed(long now, TimeSpan renewInterval)
        {
            Volatile.Write(ref _intervalTicks, renewInterval.Ticks);
            Volatile.Write(ref _renewedAt, now);
        }

        public bool IsOverdue(TimeProvider clock, long now)
            => clock.GetElapsedTime(Volatile.Read(ref _renewedAt), now) > TimeSpan.FromTicks(Volatile.Read(ref _intervalTicks)) * 3;
    }

    /// <summary>Sends <paramref name="client"/> the silos it may move to: all this silo knows, or, once it is leaving, the others it knew then.</summary>
    private void Welcome(NodeName client) => TrySend(client, new GatewayWelcome(_leavingWelcome ?? [.. silos()]));

    private void Announce(NodeName client, bool attached)
    {
        var route = new ClientRoute(client, attached);
        foreach (var peer in transport.ConnectedPeers())
        {
            if (!_attached.ContainsKey(peer))
            {
                TrySend(peer, route);
            }
        }
    }

    private void TrySend(NodeName to, object message)
    {
        try
        {
            var pending = transport.SendAsync(to, PartisanChannels.Default, message, partitionKey: null, supersedeKey: null, CancellationToken.None);
            if (!pending.IsCompletedSuccessfully)
            {
                _ = pending.AsTask().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (PartisanException exception)
        {
            RuntimeLog.ProtocolSendSkipped(logger, to, exception.Message);
        }
    }
}

using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// Node-event observers subscribed with a lease (<see cref="INodeMonitorGrain.MonitorNodesWithLease"/>): each is
/// subscribed to the node's events as long as its subscriber renews the lease, and dropped (logged, 2046, and counted,
/// <c>partisan.node_observers.expired</c>) once a lease runs out, so an observer of a client that went away without
/// unsubscribing does not stay forever.
/// </summary>
/// <remarks>Leases are checked every <see cref="CheckInterval"/> while there are any. Thread-safe.</remarks>
internal sealed class ObserverLeases(NodeMonitorHub monitors, TimeProvider time, ILogger logger) : IDisposable
{
    /// <summary>How often expired leases are looked for.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest lease a subscriber may ask for.</summary>
    public static readonly TimeSpan MaxLease = TimeSpan.FromDays(1);

    private readonly object _lock = new();
    private readonly Dictionary<INodeEventObserver, (long ExpiresAt, MonitorNodesOptions? Options)> _leases = [];
    private ITimer? _timer;
    private bool _disposed;

    /// <summary>The observers holding a lease.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _leases.Count;
            }
        }
    }

    /// <summary>Subscribes <paramref name="observer"/> (or renews its subscription) until <paramref name="lease"/> from now.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lease"/> is not more than zero, or more than <see cref="MaxLease"/>.</exception>
    public void Renew(INodeEventObserver observer, MonitorNodesOptions? options, TimeSpan lease)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (lease <= TimeSpan.Zero || lease > MaxLease)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, $"A lease must be more than zero and at most {MaxLease}.");
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            monitors.MonitorNodes(true, NodeEventSubscriber.Observer(observer), options);
            _leases[observer] = (time.GetTimestamp() + (long)(lease.TotalSeconds * time.TimestampFrequency), options);
            _timer ??= time.CreateTimer(_ => Sweep(), null, CheckInterval, CheckInterval);
        }
    }

    /// <summary>Forgets the lease of <paramref name="observer"/>, which unsubscribed.</summary>
    public void Cancel(INodeEventObserver observer)
    {
        lock (_lock)
        {
            _leases.Remove(observer);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Sweep()
    {
        List<(INodeEventObserver Observer, MonitorNodesOptions? Options)> expired = [];
        lock (_lock)
        {
            var now = time.GetTimestamp();
            foreach (var (observer, lease) in _leases)
            {
                if (lease.ExpiresAt <= now)
                {
                    expired.Add((observer, lease.Options));
                }
            }

            foreach (var (observer, options) in expired)
            {
                _leases.Remove(observer);
                monitors.MonitorNodes(false, NodeEventSubscriber.Observer(observer), options);
                PartisanMetrics.ObserversExpired.Add(1);
            }
        }

        foreach (var (observer, _) in expired)
        {
            ClientLog.ObserverLeaseExpired(logger, observer.ToString() ?? observer.GetType().Name);
        }
    }
}

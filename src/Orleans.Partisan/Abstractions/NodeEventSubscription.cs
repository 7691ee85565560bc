namespace Orleans.Partisan;

/// <summary>
/// A client's subscription of an <see cref="INodeEventObserver"/> to the node events of one silo's overlay node, kept alive
/// by lease: it subscribes through that silo's node-monitor grain (<see cref="INodeMonitorGrain.MonitorNodesWithLease"/>),
/// renews every third of <see cref="NodeEventSubscriptionOptions.Lease"/>, and when a renewal fails (the silo died or
/// left) subscribes again through another active silo.
/// </summary>
/// <remarks>
/// Events the old silo saw after its last delivery and before the new subscription (at most a third of the lease plus a
/// grain call) are not replayed: a client that must not miss a <c>nodedown</c> asks the silos' state after
/// <see cref="Moved"/>. If the client goes away without <see cref="DisposeAsync"/>, the silo drops the observer when the
/// lease runs out. Start one with <see cref="StartAsync"/>.
/// </remarks>
public sealed class NodeEventSubscription : IAsyncDisposable
{
    private readonly IGrainFactory _grains;
    private readonly INodeEventObserver _observer;
    private readonly NodeEventSubscriptionOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private Task _renewing = Task.CompletedTask;
    private SiloAddress _silo;
    private int _moves;

    private NodeEventSubscription(IGrainFactory grains, INodeEventObserver observer, NodeEventSubscriptionOptions options, SiloAddress silo)
    {
        _grains = grains;
        _observer = observer;
        _options = options;
        _silo = silo;
    }

    /// <summary>The silo the observer is subscribed through now.</summary>
    public SiloAddress Silo => Volatile.Read(ref _silo);

    /// <summary>How many times the subscription moved to another silo because a renewal failed.</summary>
    public int Moves => Volatile.Read(ref _moves);

    /// <summary>Raised, on the renewal loop, with the old and the new silo after the subscription moved.</summary>
    public event Action<SiloAddress, SiloAddress>? Moved;

    /// <summary>
    /// Subscribes <paramref name="observer"/> (a reference from <c>CreateObjectReference</c>) through
    /// <see cref="NodeEventSubscriptionOptions.Silo"/>, or an active silo, and starts renewing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The lease is not more than zero, or more than a day.</exception>
    /// <exception cref="InvalidOperationException">No active silo took the subscription.</exception>
    public static async Task<NodeEventSubscription> StartAsync(IGrainFactory grainFactory, INodeEventObserver observer, NodeEventSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        ArgumentNullException.ThrowIfNull(observer);
        options ??= new NodeEventSubscriptionOptions();
        if (options.Lease <= TimeSpan.Zero || options.Lease > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Lease, "NodeEventSubscriptionOptions.Lease must be more than zero and at most a day.");
        }

        SiloAddress? silo = options.Silo;
        if (silo is not null)
        {
            await grainFactory.GetNodeMonitor(silo).MonitorNodesWithLease(observer, options.Monitor, options.Lease).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            silo = await SubscribeAnywhereAsync(grainFactory, observer, options, except: null, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("No active silo took the node-event subscription.");
        }

        var subscription = new NodeEventSubscription(grainFactory, observer, options, silo);
        subscription._renewing = Task.Run(() => subscription.RenewAsync(subscription._stopping.Token), CancellationToken.None);
        return subscription;
    }

    /// <summary>Stops renewing and unsubscribes the observer from the silo (if that silo answers).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(false);
        _stopping.Dispose();
        try
        {
            await _grains.GetNodeMonitor(Silo).MonitorNodes(false, _observer, _options.Monitor).WaitAsync(_options.Lease / 3).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The silo is gone or slow: the lease ends the subscription there.
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var interval = _options.Lease / 3;
        try
        {
            while (true)
            {
                await Task.Delay(interval, _options.Time, cancellationToken).ConfigureAwait(false);
                var silo = Silo;
                try
                {
                    await _grains.GetNodeMonitor(silo).MonitorNodesWithLease(_observer, _options.Monitor, _options.Lease).WaitAsync(interval, _options.Time, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    if (await SubscribeAnywhereAsync(_grains, _observer, _options, except: silo, cancellationToken).ConfigureAwait(false) is { } moved)
                    {
                        Volatile.Write(ref _silo, moved);
                        Interlocked.Increment(ref _moves);
                        Moved?.Invoke(silo, moved);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Subscribes through the first active silo (other than <paramref name="except"/>) that takes it; <see langword="null"/> if none does.</summary>
    private static async Task<SiloAddress?> SubscribeAnywhereAsync(IGrainFactory grains, INodeEventObserver observer, NodeEventSubscriptionOptions options, SiloAddress? except, CancellationToken cancellationToken)
    {
        var wait = options.Lease / 3;
        Dictionary<SiloAddress, SiloStatus> hosts;
        try
        {
            hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(wait, options.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        foreach (var silo in hosts.Keys.Where(s => !s.Equals(except)).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal))
        {
            try
            {
                await grains.GetNodeMonitor(silo).MonitorNodesWithLease(observer, options.Monitor, options.Lease).WaitAsync(wait, options.Time, cancellationToken).ConfigureAwait(false);
                return silo;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // That silo did not take it: try the next.
            }
        }

        return null;
    }
}

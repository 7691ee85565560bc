using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Dashboard;

/// <summary>
/// The node events of every silo, for the pages: an observer subscribed (with reasons) to each silo's node-monitor
/// grain, the latest <see cref="PartisanDashboardOptions.EventHistory"/> events, and a stream per open page.
/// </summary>
/// <remarks>
/// Silos are subscribed as the pages find them (<see cref="SubscribeAsync(IReadOnlyList{SiloAddress})"/>): a silo that joins later is subscribed when
/// a page next reads the state. Orleans holds a client object weakly, so this feed keeps the observer it hands out alive
/// until it is disposed. Events reach the pages in the order the feed receives them; each page's queue is bounded and a
/// page that falls that far behind loses its oldest events, not the server's memory.
/// </remarks>
internal sealed class NodeEventFeed : INodeEventObserver, IAsyncDisposable
{
    private const int PageQueueLength = 1_000;

    private readonly IGrainFactory _grains;
    private readonly PartisanDashboardOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Queue<NodeEventEntry> _history = new();
    private readonly HashSet<Channel<NodeEventEntry>> _pages = [];
    private readonly Dictionary<SiloAddress, Task> _subscribed = [];
    private INodeEventObserver? _reference;
    private bool _disposed;

    public NodeEventFeed(IGrainFactory grains, PartisanDashboardOptions options, TimeProvider time, ILogger logger)
    {
        _grains = grains;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Subscribes to the node events of each of <paramref name="silos"/> not subscribed yet, and forgets silos no longer listed.</summary>
    public Task SubscribeAsync(IReadOnlyList<SiloAddress> silos)
    {
        List<Task> pending = [];
        lock (_lock)
        {
            if (_disposed)
            {
                return Task.CompletedTask;
            }

            _reference ??= _grains.CreateObjectReference<INodeEventObserver>(this);
            foreach (var gone in _subscribed.Keys.Except(silos).ToList())
            {
                _subscribed.Remove(gone);
            }

            foreach (var silo in silos)
            {
                if (!_subscribed.TryGetValue(silo, out var subscription) || subscription.IsFaulted || subscription.IsCanceled)
                {
                    _subscribed[silo] = subscription = SubscribeAsync(silo, _reference);
                }

                pending.Add(subscription);
            }
        }

        return Task.WhenAll(pending);
    }

    /// <summary>The latest events, oldest first, and a stream of the events from now on; dispose the stream's registration to stop it.</summary>
    public (IReadOnlyList<NodeEventEntry> History, ChannelReader<NodeEventEntry> Events, IDisposable Registration) Open()
    {
        var page = Channel.CreateBounded<NodeEventEntry>(new BoundedChannelOptions(PageQueueLength) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_lock)
        {
            _pages.Add(page);
            return ([.. _history], page.Reader, new Registration(this, page));
        }
    }

    /// <inheritdoc />
    public Task OnNodeEvent(NodeEvent nodeEvent)
    {
        var entry = new NodeEventEntry(
            _time.GetUtcNow(),
            nodeEvent.Kind == NodeEventKind.Up ? "nodeup" : "nodedown",
            nodeEvent.Node.Value,
            nodeEvent.Observer.Value,
            nodeEvent.Reason?.ToString());
        lock (_lock)
        {
            if (_options.EventHistory > 0)
            {
                if (_history.Count == _options.EventHistory)
                {
                    _history.Dequeue();
                }

                _history.Enqueue(entry);
            }

            foreach (var page in _pages)
            {
                page.Writer.TryWrite(entry);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Unsubscribes from every silo (each within <see cref="PartisanDashboardOptions.SiloTimeout"/>, errors logged) and ends the pages' streams.</summary>
    public async ValueTask DisposeAsync()
    {
        List<SiloAddress> silos;
        INodeEventObserver? reference;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            silos = [.. _subscribed.Keys];
            _subscribed.Clear();
            reference = _reference;
            foreach (var page in _pages)
            {
                page.Writer.TryComplete();
            }

            _pages.Clear();
        }

        if (reference is null)
        {
            return;
        }

        await Task.WhenAll(silos.Select(s => UnsubscribeAsync(s, reference))).ConfigureAwait(false);
        try
        {
            _grains.DeleteObjectReference<INodeEventObserver>(reference);
        }
        catch (Exception exception)
        {
            DashboardLog.UnsubscribeFailed(_logger, exception, "client");
        }
    }

    private async Task SubscribeAsync(SiloAddress silo, INodeEventObserver reference)
    {
        try
        {
            await _grains.GetNodeMonitor(silo).MonitorNodes(true, reference, new MonitorNodesOptions { IncludeReason = true })
                .WaitAsync(_options.SiloTimeout, _time).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            DashboardLog.SubscribeFailed(_logger, exception, silo);
            throw;
        }
    }

    private async Task UnsubscribeAsync(SiloAddress silo, INodeEventObserver reference)
    {
        try
        {
            await _grains.GetNodeMonitor(silo).MonitorNodes(false, reference, null).WaitAsync(_options.SiloTimeout, _time).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            DashboardLog.UnsubscribeFailed(_logger, exception, silo.ToString());
        }
    }

    private void Close(Channel<NodeEventEntry> page)
    {
        lock (_lock)
        {
            _pages.Remove(page);
        }

        page.Writer.TryComplete();
    }

    private sealed class Registration(NodeEventFeed feed, Channel<NodeEventEntry> page) : IDisposable
    {
        public void Dispose() => feed.Close(page);
    }
}

using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// Node monitors: tracks which nodes are up, and delivers <c>nodeup</c>/<c>nodedown</c> to
/// subscribers of all nodes and one-shot monitors of single nodes. Events are delivered in order
/// by one loop, so a slow or failing subscriber never blocks the transport.
/// </summary>
internal sealed class NodeMonitorHub : IAsyncDisposable
{
    private readonly object _lock = new();
    private readonly HashSet<NodeName> _up = [];
    private readonly Dictionary<NodeEventSubscriber, MonitorNodesOptions> _all = [];
    private readonly Dictionary<NodeName, HashSet<NodeEventSubscriber>> _single = [];
    private readonly List<ChannelWriter<NodeEvent>> _watchers = [];
    private readonly Channel<(NodeEvent Event, NodeEventSubscriber[] Subscribers, bool WithReason)> _outbox = Channel.CreateUnbounded<(NodeEvent, NodeEventSubscriber[], bool)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly NodeName _self;
    private readonly LocalDispatcher _dispatcher;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public NodeMonitorHub(NodeName self, LocalDispatcher dispatcher, ILogger logger)
    {
        _self = self;
        _dispatcher = dispatcher;
        _logger = logger;
        _loop = Task.Run(DeliverLoopAsync);
    }

    public void NodeUp(NodeName node)
    {
        var e = new NodeEvent(NodeEventKind.Up, node, null, _self);
        lock (_lock)
        {
            if (!_up.Add(node))
            {
                return;
            }

            Publish(e, _all.Keys.ToArray(), withReason: true);
        }
    }

    /// <summary>
    /// Told of every <c>nodedown</c> as it happens, before subscribers are (process monitors and pending calls use it; it
    /// must not block): what waits on the node at that moment ends, and nothing that starts after it does, however far
    /// behind the subscribers' loop runs.
    /// </summary>
    public Action<NodeName, NodeDownReason>? WentDown { get; set; }

    public void NodeDown(NodeName node, NodeDownReason reason)
    {
        var e = new NodeEvent(NodeEventKind.Down, node, reason, _self);
        lock (_lock)
        {
            if (!_up.Remove(node))
            {
                return;
            }

            Publish(e, _all.Where(s => s.Value.IncludeReason).Select(s => s.Key).ToArray(), withReason: true);
            Publish(e, _all.Where(s => !s.Value.IncludeReason).Select(s => s.Key).ToArray(), withReason: false);
            if (_single.Remove(node, out var monitors))
            {
                Publish(e, monitors.ToArray(), withReason: true);
            }
        }

        WentDown?.Invoke(node, reason);
    }

    public bool MonitorNode(NodeName node, bool enable, NodeEventSubscriber subscriber)
    {
        ThrowIfNotForNodeEvents(subscriber);
        if (node == _self)
        {
            return false;
        }

        lock (_lock)
        {
            if (!enable)
            {
                if (_single.TryGetValue(node, out var set) && set.Remove(subscriber) && set.Count == 0)
                {
                    _single.Remove(node);
                }

                return true;
            }

            if (!_up.Contains(node))
            {
                Publish(new NodeEvent(NodeEventKind.Down, node, NodeDownReason.NotConnected, _self), [subscriber], withReason: true);
                return true;
            }

            if (!_single.TryGetValue(node, out var monitors))
            {
                _single[node] = monitors = [];
            }

            monitors.Add(subscriber);
            return true;
        }
    }

    public void MonitorNodes(bool enable, NodeEventSubscriber subscriber, MonitorNodesOptions? options)
    {
        ThrowIfNotForNodeEvents(subscriber);
        lock (_lock)
        {
            if (enable)
            {
                _all[subscriber] = options ?? new MonitorNodesOptions();
            }
            else
            {
                _all.Remove(subscriber);
            }
        }
    }

    /// <summary>Subscribes now; the events are read from the returned sequence until <paramref name="cancellationToken"/> fires or the reader stops.</summary>
    public IAsyncEnumerable<NodeEvent> Watch(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<NodeEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (_lock)
        {
            _watchers.Add(channel.Writer);
        }

        var registration = cancellationToken.Register(() => StopWatching(channel.Writer));
        return ReadAsync(channel, registration, cancellationToken);
    }

    private async IAsyncEnumerable<NodeEvent> ReadAsync(Channel<NodeEvent> channel, CancellationTokenRegistration registration, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var e))
                {
                    yield return e;
                }
            }
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            StopWatching(channel.Writer);
        }
    }

    private void StopWatching(ChannelWriter<NodeEvent> watcher)
    {
        lock (_lock)
        {
            _watchers.Remove(watcher);
        }

        watcher.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        _outbox.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        lock (_lock)
        {
            foreach (var watcher in _watchers)
            {
                watcher.TryComplete();
            }
        }
    }

    private static void ThrowIfNotForNodeEvents(NodeEventSubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        if (!subscriber.ReceivesNodeEvents)
        {
            throw new ArgumentException($"The {subscriber} receives the DOWN of process monitors, not node events: use NodeEventSubscriber.Callback, Mailbox or Observer(INodeEventObserver).", nameof(subscriber));
        }
    }

    private void Publish(NodeEvent e, NodeEventSubscriber[] subscribers, bool withReason)
    {
        if (withReason)
        {
            RuntimeLog.NodeEvent(_logger, e);
            foreach (var watcher in _watchers)
            {
                watcher.TryWrite(e);
            }
        }

        if (subscribers.Length > 0)
        {
            _outbox.Writer.TryWrite((e, subscribers, withReason));
        }
    }

    private async Task DeliverLoopAsync()
    {
        await foreach (var (e, subscribers, withReason) in _outbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var delivered = withReason ? e : e with { Reason = null };
            foreach (var subscriber in subscribers)
            {
                Deliver(subscriber, delivered);
            }
        }
    }

    private void Deliver(NodeEventSubscriber subscriber, NodeEvent e)
    {
        try
        {
            switch (subscriber)
            {
                case CallbackSubscriber callback:
                    callback.Handler(e);
                    break;
                case MailboxSubscriber mailbox:
                    if (!_dispatcher.TryPost(mailbox.MailboxRef, new ReceivedMessage(_self, PartisanChannels.Default, e, false)))
                    {
                        // The mailbox is gone: so is its subscription.
                        Unsubscribe(subscriber);
                    }

                    break;
                case ObserverSubscriber observer:
                    _ = ObserveAsync(observer, e);
                    break;
            }
        }
        catch (Exception exception)
        {
            Failed(subscriber, exception);
        }
    }

    private async Task ObserveAsync(ObserverSubscriber observer, NodeEvent e)
    {
        try
        {
            await observer.Target.OnNodeEvent(e).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Failed(observer, exception);
        }
    }

    private void Failed(NodeEventSubscriber subscriber, Exception exception)
    {
        RuntimeLog.SubscriberFailed(_logger, exception, subscriber.ToString() ?? "subscriber");
        PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", "subscriber-failed" } });
    }

    private void Unsubscribe(NodeEventSubscriber subscriber)
    {
        lock (_lock)
        {
            _all.Remove(subscriber);
            foreach (var set in _single.Values)
            {
                set.Remove(subscriber);
            }
        }
    }
}

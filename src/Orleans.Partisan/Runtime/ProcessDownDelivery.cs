using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// Delivers the <c>DOWN</c> of process monitors to their subscribers: into a mailbox at once, to callbacks and
/// observers in order on one loop (a slow or failing subscriber never blocks the transport). A flushing
/// demonitor withdraws a <c>DOWN</c> still queued here or still unread in its mailbox.
/// </summary>
internal sealed class ProcessDownDelivery : IAsyncDisposable
{
    private readonly NodeName _self;
    private readonly LocalDispatcher _dispatcher;
    private readonly ILogger _logger;
    private readonly Channel<(ProcessDown Down, NodeEventSubscriber Subscriber)> _outbox = Channel.CreateUnbounded<(ProcessDown, NodeEventSubscriber)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<PartisanRef> _queued = [];
    private readonly ConcurrentDictionary<PartisanRef, Mailbox> _unread = new();
    private readonly Task _loop;

    public ProcessDownDelivery(NodeName self, LocalDispatcher dispatcher, ILogger logger)
    {
        _self = self;
        _dispatcher = dispatcher;
        _logger = logger;
        _loop = Task.Run(DeliverLoopAsync);
    }

    public void Deliver(ProcessDown down, NodeEventSubscriber subscriber)
    {
        ProcessMonitorLog.Down(_logger, down.Monitor, down.Target, down.Node, down.Reason);
        PartisanMetrics.MonitorsDown.Add(1, new TagList { { "reason", Tag(down.Reason) } });
        if (subscriber is MailboxSubscriber mailbox)
        {
            var message = new ReceivedMessage(_self, PartisanChannels.Default, down, false);
            if (_dispatcher.TryGetMailbox(mailbox.MailboxRef, out var box))
            {
                _unread[down.Monitor] = box;
                if (box.PostDown(down.Monitor, message, () => _unread.TryRemove(new KeyValuePair<PartisanRef, Mailbox>(down.Monitor, box))))
                {
                    return;
                }

                _unread.TryRemove(down.Monitor, out _);
            }

            ProcessMonitorLog.MailboxGone(_logger, down.Monitor, mailbox.MailboxRef);
            PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", "subscriber-gone" } });
            return;
        }

        lock (_queued)
        {
            _queued.Add(down.Monitor);
        }

        _outbox.Writer.TryWrite((down, subscriber));
    }

    /// <summary>Withdraws the <c>DOWN</c> of <paramref name="monitor"/> if it is queued here or unread in its mailbox; true if it was.</summary>
    public bool Flush(PartisanRef monitor)
    {
        lock (_queued)
        {
            if (_queued.Remove(monitor))
            {
                return true;
            }
        }

        return _unread.TryGetValue(monitor, out var box) && box.FlushDown(monitor);
    }

    public async ValueTask DisposeAsync()
    {
        _outbox.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private static string Tag(ProcessDownReason reason) => reason switch
    {
        ProcessDownReason.Normal => "normal",
        ProcessDownReason.NoProcess => "noproc",
        _ => "noconnection",
    };

    private async Task DeliverLoopAsync()
    {
        await foreach (var (down, subscriber) in _outbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            lock (_queued)
            {
                if (!_queued.Remove(down.Monitor))
                {
                    continue; // flushed
                }
            }

            try
            {
                switch (subscriber)
                {
                    case ProcessDownCallbackSubscriber callback:
                        callback.Handler(down);
                        break;
                    case ProcessDownObserverSubscriber observer:
                        _ = ObserveAsync(observer, down);
                        break;
                }
            }
            catch (Exception exception)
            {
                Failed(subscriber, exception);
            }
        }
    }

    private async Task ObserveAsync(ProcessDownObserverSubscriber observer, ProcessDown down)
    {
        try
        {
            await observer.Target.OnProcessDown(down).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Failed(observer, exception);
        }
    }

    private void Failed(NodeEventSubscriber subscriber, Exception exception)
    {
        ProcessMonitorLog.SubscriberFailed(_logger, exception, subscriber.ToString() ?? "subscriber");
        PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", "subscriber-failed" } });
    }
}

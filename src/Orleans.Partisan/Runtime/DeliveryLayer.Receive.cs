using System.Diagnostics;
using Orleans.Partisan.Protocols.Delivery;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>The receiving side after arrival (<c>DeliveryLayer.Arrival.cs</c>): delivery in order, and acknowledgements.</summary>
internal sealed partial class DeliveryLayer
{
    /// <summary>
    /// The most messages delivered before their acknowledgement goes, even in the middle of a socket read (fewer when a
    /// quarter of the window is fewer): a sender whose senders wait for their acknowledgements resumes the first of
    /// them while this node still delivers the rest of a burst. Each acknowledgement costs a frame written here and read
    /// and completed there, so a sender with a window of 256 (four acknowledgements in flight) spends less per message
    /// with 64 than with 32 (docs/benchmarks.md, seventh session of 2026-12-07).
    /// </summary>
    private const int MaxDeliveredPerAck = 64;

    private readonly Queue<IncomingDelivery> _ready = new();
    private readonly HashSet<NodeName> _acksDue = [];
    private NodeName _lastAckDue;
    private readonly int _deliveredPerAck;
    private bool _draining;
    private bool _flushScheduled;
    private int _unreported;

    /// <summary>
    /// Delivers the queued messages in order, one caller at a time (a caller that finds another one at it
    /// leaves its messages to it), and sends the acknowledgements due.
    /// </summary>
    private void Drain()
    {
        bool drains;
        IncomingDelivery next = default;
        var flush = AckFlush.None;
        lock (_lock)
        {
            drains = TryStartDraining() && TryTakeNext(null, out next, out flush);
        }

        Flush(flush);
        if (drains)
        {
            DrainFrom(next);
        }
    }

    /// <summary>Makes the caller the one that drains, unless another one is at it. Under the lock.</summary>
    private bool TryStartDraining()
    {
        if (_draining)
        {
            return false;
        }

        _draining = true;
        return true;
    }

    /// <summary>
    /// The drainer's turn of the lock between two deliveries: completes the message it delivered (if any) and takes the
    /// next one; when none is left it stops draining. Says whether acknowledgements go now: once
    /// <see cref="MaxDeliveredPerAck"/> messages (or a quarter of the window) are delivered unacknowledged, from this
    /// thread, so that the sender resumes its first senders while the rest are still being delivered here; at the end
    /// of a drain inside a socket read, with the read's end (<see cref="OnReceiveBatchEnd"/>); at the end of one
    /// outside a read, from the thread pool. Under the lock.
    /// </summary>
    private bool TryTakeNext(IncomingDelivery? delivered, out IncomingDelivery next, out AckFlush flush)
    {
        if (delivered is { } done)
        {
            Done(done);
        }

        var more = _ready.TryDequeue(out next);
        if (!more)
        {
            _draining = false;
        }

        flush = _unreported >= _deliveredPerAck && TryScheduleAcks() ? AckFlush.Now
            : !more && !ReceiveBatch.IsActive && TryScheduleAcks() ? AckFlush.Queued
            : AckFlush.None;
        return more;
    }

    /// <summary>Sends the acknowledgements <see cref="TryTakeNext"/> claimed, now or from the thread pool.</summary>
    private void Flush(AckFlush flush)
    {
        if (flush == AckFlush.Now)
        {
            FlushAcks();
        }
        else if (flush == AckFlush.Queued)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static layer => layer.FlushAcks(), this, preferLocal: false);
        }
    }

    /// <summary>
    /// The drain of the caller that <see cref="TryStartDraining"/> made the drainer, from the message it took. A
    /// message delivered at once is completed under the same lock that takes the next one, so a message costs one
    /// turn of the lock here (and one where it arrived).
    /// </summary>
    private void DrainFrom(IncomingDelivery item)
    {
        bool more;
        do
        {
            IncomingDelivery? delivered = null;
            var pending = item.Received is { } received ? _dispatcher.DeliverReceived(received)
                : item.Message is null ? null
                : _dispatcher.DeliverMessage(item.From, item.Channel, item.Target, item.Message, item.IsCast, item.Call);
            if (pending is null || pending.IsCompleted)
            {
                delivered = item;
            }
            else
            {
                // A grain call: acknowledged when it returns; what waits for it (its key's successors) is released then.
                _ = pending.ContinueWith(
                    static (_, state) =>
                    {
                        var (layer, delivered) = ((DeliveryLayer, IncomingDelivery))state!;
                        layer.Completed(delivered);
                        layer.Drain();
                    },
                    (this, item),
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }

            AckFlush flush;
            lock (_lock)
            {
                more = TryTakeNext(delivered, out item, out flush);
            }

            Flush(flush);
        }
        while (more);
    }

    private void Completed(IncomingDelivery item)
    {
        lock (_lock)
        {
            Done(item);
        }
    }

    /// <summary>The message was delivered (or need not be): acknowledge it, and accept what waited for it. Under the lock.</summary>
    private void Done(in IncomingDelivery item)
    {
        if (!item.IsTracked)
        {
            item.Delivered?.TrySetResult();
            return;
        }

        var released = _receiver.Completed(item.From, item.Session, item.Sequence);
        if (released.Count > 0)
        {
            foreach (var accepted in released)
            {
                Accept(accepted.Item);
            }
        }

        _unreported++;
        AckDue(item.From);
    }

    /// <summary>The message was not delivered and its sender will send it again. Under the lock.</summary>
    private void Abandon(IncomingDelivery item)
    {
        if (item.IsTracked)
        {
            _receiver.Abandoned(item.From, item.Session, item.Sequence);
        }
    }

    private void Invalid(NodeName from, string problem)
    {
        DeliveryLog.Invalid(_logger, from, problem);
        PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", "invalid-delivery" } });
    }

    /// <summary>Notes that <paramref name="from"/> is owed an acknowledgement. Under the lock.</summary>
    private void AckDue(NodeName from)
    {
        // Messages come in runs from one sender: a name compared with the last one costs less than hashing it.
        if (_acksDue.Count == 0 || _lastAckDue != from)
        {
            _acksDue.Add(from);
            _lastAckDue = from;
        }
    }

    /// <summary>
    /// Whether the caller is to send the acknowledgements due (and then a flush is claimed until it has taken them):
    /// at the end of a socket read, or from the thread pool after a drain outside one, so that the messages that
    /// arrive meanwhile are acknowledged by the same (cumulative) acknowledgement. Under the lock.
    /// </summary>
    private bool TryScheduleAcks()
    {
        if (_acksDue.Count == 0 || _flushScheduled || _disposed)
        {
            return false;
        }

        _flushScheduled = true;
        return true;
    }

    /// <summary>
    /// The transport handed over every frame of one socket read: the acknowledgements due go now, from this thread,
    /// one per sender for the whole read (unless a drain is under way elsewhere, which sends them when it ends).
    /// </summary>
    public void OnReceiveBatchEnd()
    {
        bool flush;
        lock (_lock)
        {
            flush = !_draining && TryScheduleAcks();
        }

        if (flush)
        {
            FlushAcks();
        }
    }

    private void FlushAcks()
    {
        List<(NodeName To, AckReport Report)> reports = [];
        lock (_lock)
        {
            _flushScheduled = false;
            _unreported = 0;
            foreach (var node in _acksDue)
            {
                if (_receiver.TakeReport(node) is { } report)
                {
                    reports.Add((node, report));
                }
            }

            _acksDue.Clear();
        }

        foreach (var (to, report) in reports)
        {
            try
            {
                var pending = _forward(to, AckTarget, new DeliveryAck(report.Session, report.Contiguous, [.. report.Above]), AckOptions);
                if (!pending.IsCompletedSuccessfully)
                {
                    _ = ObserveAckAsync(to, pending);
                }
            }
            catch (Exception exception)
            {
                // Lost acknowledgements are made up for: the sender retransmits, and a duplicate is acknowledged again.
                DeliveryLog.AckNotSent(_logger, to, exception.Message);
            }
        }
    }

    private async Task ObserveAckAsync(NodeName to, ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            DeliveryLog.AckNotSent(_logger, to, exception.Message);
        }
    }
}

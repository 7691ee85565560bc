using System.Diagnostics;
using Orleans.Partisan.Protocols.Delivery;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>What moves the sender side besides sends: acknowledgements, the retransmit timer, connections and departures.</summary>
internal sealed partial class DeliveryLayer
{
    private List<OutgoingDelivery>? _spareBatch;

    /// <summary>An acknowledgement arrived on <see cref="AckReceiverName"/>.</summary>
    private void OnAck(ReceivedMessage message)
    {
        if (message.Message is not DeliveryAck ack)
        {
            RuntimeLog.UnknownMessage(_logger, message.Message.GetType().FullName ?? "?", message.From);
            return;
        }

        var acknowledged = Interlocked.Exchange(ref _spareBatch, null) ?? [];
        TaskCompletionSource? room;
        lock (_lock)
        {
            _tracker.OnAck(message.From, new AckReport(ack.Session, ack.Contiguous, ack.Above ?? []), acknowledged);
            _room.Remove(message.From, out room);
        }

        if (acknowledged.Count > 0)
        {
            PartisanMetrics.Acked.Add(acknowledged.Count);
        }

        if (AnyAwaited(acknowledged))
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Layer.Complete(state.Batch), (Layer: this, Batch: acknowledged), preferLocal: false);
        }
        else
        {
            Return(acknowledged);
        }

        room?.TrySetResult();
    }

    private static bool AnyAwaited(List<OutgoingDelivery> acknowledged)
    {
        foreach (var outgoing in acknowledged)
        {
            if (outgoing.IsAwaited)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Resumes the senders of one acknowledgement one after another on this thread-pool thread: one work item for the
    /// batch rather than one each, so a cumulative acknowledgement of hundreds of messages costs one wake-up. A sender
    /// that blocks in its continuation delays the rest of its batch (not the connection, nor other batches).
    /// </summary>
    /// <remarks>
    /// The frames a resumed sender queues before it gives the thread back (a pipelining sender refilling its window)
    /// wake their connection's writer once it does (<see cref="WriterWakeDeferral"/>), so they go in one socket write.
    /// </remarks>
    private void Complete(List<OutgoingDelivery> batch)
    {
        foreach (var outgoing in batch)
        {
            var deferring = WriterWakeDeferral.Begin();
            try
            {
                outgoing.TrySetResultInline();
            }
            finally
            {
                if (deferring)
                {
                    WriterWakeDeferral.End();
                }
            }
        }

        Return(batch);
    }

    /// <summary>
    /// Lets go of the acknowledged messages (the tracker's hold, which the batch took over) and keeps the emptied list for
    /// the next acknowledgement (one is kept; a list in use elsewhere meanwhile is left to the collector).
    /// </summary>
    private void Return(List<OutgoingDelivery> batch)
    {
        _pool.ReleaseAll(batch);
        batch.Clear();
        _spareBatch = batch;
    }

    /// <summary>The retransmit timer: copies unacknowledged for an interval go again; senders whose wait ended are told.</summary>
    private void OnTimer()
    {
        AckTick<OutgoingDelivery> tick;
        List<TaskCompletionSource> rooms = [];
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            tick = _tracker.Tick(Now);
            foreach (var expired in tick.Expired)
            {
                if (_room.Remove(expired.Destination, out var room))
                {
                    rooms.Add(room);
                }
            }

            // The copies to send again are held until sent; an expired message the tracker gave up comes with its hold.
            foreach (var copy in tick.Retransmit)
            {
                copy.Message.AddRef();
            }
        }

        foreach (var expired in tick.Expired)
        {
            if (expired.Message.TryEnd())
            {
                DeliveryLog.AckTimedOut(_logger, expired.Destination, _options.AckTimeout);
                PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", "ack-timeout" } });
                expired.Message.Fail(new AckTimeoutException(expired.Destination, _options.AckTimeout));
            }
        }

        rooms.ForEach(r => r.TrySetResult());
        foreach (var copy in tick.Retransmit)
        {
            if (copy.Message.Transitive || _transport.IsConnected(copy.Destination))
            {
                Retransmit(copy.Destination, copy.Message, copy.Stamp);
            }

            _pool.Release(copy.Message);
        }

        foreach (var expired in tick.Expired)
        {
            // Only a pinned (causal) message stays tracked after its deadline, and it is not pooled.
            _pool.Release(expired.Message);
        }
    }

    /// <summary>The connection to <paramref name="peer"/> came up (again): what is outstanding to it goes again, in order.</summary>
    public void OnPeerUp(NodeName peer)
        => ThreadPool.UnsafeQueueUserWorkItem(
            static state =>
            {
                var (layer, node) = state;
                IReadOnlyList<AckOutgoing<OutgoingDelivery>> copies;
                lock (layer._lock)
                {
                    copies = layer._disposed ? [] : layer._tracker.Reconnected(node, layer.Now);
                    foreach (var copy in copies)
                    {
                        copy.Message.AddRef();
                    }
                }

                foreach (var copy in copies)
                {
                    layer.Retransmit(node, copy.Message, copy.Stamp);
                    layer._pool.Release(copy.Message);
                }
            },
            (this, peer),
            preferLocal: false);

    /// <summary>
    /// The transport lost its last connection to <paramref name="peer"/>. A connection this node closed on
    /// purpose is no <c>nodedown</c> here: <see cref="IPartisan.DisconnectNodeAsync"/> reports itself, a peer
    /// service that removes a member reports it as left (<see cref="NodeLeft"/>), and one that only moves a
    /// neighbour out of its active view has not lost the node.
    /// </summary>
    public void OnPeerDown(NodeName peer, CloseReason reason)
    {
        if (reason.Kind != CloseKind.Disconnected)
        {
            OnPeerDown(peer, reason.NodeDownReason);
        }
    }

    /// <summary><paramref name="peer"/> went down: with <see cref="DeliveryOptions.FailOnNodeDown"/>, its senders are told.</summary>
    public void OnPeerDown(NodeName peer, NodeDownReason reason)
    {
        if (_options.FailOnNodeDown)
        {
            Fail(peer, reason, tracker => tracker.Fail(peer));
        }
    }

    /// <summary>
    /// <paramref name="node"/> left the overlay for good: its senders are told, its state is dropped, causal
    /// messages that waited only for its messages are delivered and its own are discarded.
    /// </summary>
    public void NodeLeft(NodeName node)
    {
        if (node == _self)
        {
            return;
        }

        CausalDeparture<IncomingDelivery> departure;
        lock (_lock)
        {
            if (_disposed || !_departed.Add(node))
            {
                return;
            }

            _departedOrder.Enqueue(node);
            if (_departedOrder.Count > RememberedDepartures)
            {
                _departed.Remove(_departedOrder.Dequeue());
            }

            _receiver.SenderLeft(node);
            departure = _causal.NodeLeft(node);
            foreach (var released in departure.Released)
            {
                _ready.Enqueue(released);
            }
        }

        Fail(node, NodeDownReason.Left, tracker => tracker.Forget(node));
        if (departure.Discarded.Count > 0)
        {
            DeliveryLog.CausalDeparted(_logger, departure.Discarded.Count, node);
            PartisanMetrics.Undeliverable.Add(departure.Discarded.Count, new TagList { { "reason", "causal-departed" } });
        }

        Drain();
    }

    /// <summary>The members changed: in a full mesh, where a member that is gone has left, the departed are handled as <see cref="NodeLeft"/>.</summary>
    public void OnMembersChanged(IReadOnlyCollection<NodeName> members)
    {
        if (!_membersLeave)
        {
            return;
        }

        HashSet<NodeName> before;
        lock (_lock)
        {
            (before, _members) = (_members, [.. members]);
        }

        foreach (var node in before)
        {
            if (!members.Contains(node))
            {
                NodeLeft(node);
            }
        }
    }

    private void Fail(NodeName node, NodeDownReason reason, Func<AckTracker<OutgoingDelivery>, IReadOnlyList<OutgoingDelivery>> take)
    {
        IReadOnlyList<OutgoingDelivery> failed;
        TaskCompletionSource? room;
        lock (_lock)
        {
            failed = _disposed ? [] : take(_tracker);
            _room.Remove(node, out room);
        }

        var ended = failed.Where(f => f.TryEnd()).ToList();
        if (ended.Count > 0)
        {
            DeliveryLog.NodeDownFailed(_logger, ended.Count, node, reason);
            PartisanMetrics.Undeliverable.Add(ended.Count, new TagList { { "reason", "ack-node-down" } });
        }

        ended.ForEach(f => f.Fail(new AckNodeDownException(node, reason)));

        // What the tracker gave up (every pooled message: none is pinned) comes with its hold.
        foreach (var outgoing in failed)
        {
            _pool.Release(outgoing);
        }

        room?.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        List<OutgoingDelivery> outstanding = [];
        List<TaskCompletionSource> rooms;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var destination in _tracker.Destinations.ToList())
            {
                outstanding.AddRange(_tracker.Forget(destination));
            }

            rooms = [.. _room.Values];
            _room.Clear();
        }

        await _timer.DisposeAsync().ConfigureAwait(false);
        _registration.Dispose();
        var stopped = new ObjectDisposedException(nameof(PartisanNode), "The overlay node is stopped.");
        outstanding.ForEach(o => o.TrySetException(stopped));
        _pool.ReleaseAll(outstanding);
        rooms.ForEach(r => r.TrySetResult());
    }
}

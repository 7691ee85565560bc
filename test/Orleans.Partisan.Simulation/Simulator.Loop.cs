using Orleans.Partisan.Protocols;

namespace Orleans.Partisan.Simulation;

/// <summary>The event loop: runs events in (time, sequence) order and hands them to the cores.</summary>
internal sealed partial class Simulator
{
    /// <summary>The default bound of <see cref="RunUntilQuiescent"/>.</summary>
    public const long DefaultMaxEvents = 50_000_000;

    /// <summary>Runs the next event; false if nothing is scheduled.</summary>
    public bool Step()
    {
        if (!_queue.TryDequeue(out var next, out var time))
        {
            return false;
        }

        Process(next, time);
        return true;
    }

    /// <summary>Runs every event due up to <paramref name="until"/>, then sets the clock to it.</summary>
    public void RunUntil(TimeSpan until)
    {
        var limit = until.Ticks;
        while (_queue.TryPeekTime(out var time) && time <= limit)
        {
            _queue.TryDequeue(out var next, out time);
            Process(next, time);
        }

        if (limit > _now)
        {
            _now = limit;
        }
    }

    /// <summary>Runs for <paramref name="duration"/> of virtual time (timers fire, messages flow).</summary>
    public void RunFor(TimeSpan duration) => RunUntil(Now + duration);

    /// <summary>
    /// Runs until <see cref="IsQuiescent"/>: no message in flight, no handshake under way, no loss still
    /// to report. Timers due meanwhile fire (and may send more), unless <paramref name="holdTimers"/>:
    /// then they wait and fire late, at the quiescent point, in their order, which a core cannot tell
    /// from a slow timer. Holding is how a run whose timers are out of phase reaches a quiescent point.
    /// </summary>
    /// <returns>The events processed.</returns>
    /// <exception cref="SimulationException">Not quiescent after <paramref name="maxEvents"/> events.</exception>
    public long RunUntilQuiescent(long maxEvents = DefaultMaxEvents, bool holdTimers = false)
    {
        List<(long Time, SimEvent Event)>? held = holdTimers ? [] : null;
        long processed = 0;
        try
        {
            while (!IsQuiescent)
            {
                if (processed >= maxEvents)
                {
                    throw Failure($"Not quiescent after {maxEvents} events: {_inFlight} messages in flight, {_pendingConnects} handshakes, {_pendingNotices} losses to report");
                }

                if (!_queue.TryDequeue(out var next, out var time))
                {
                    throw Failure("The agenda is empty but the simulation is not quiescent (a simulator bug)");
                }

                if (held is not null && next.Kind is EventKind.Timer or EventKind.BroadcastTimer)
                {
                    held.Add((time, next));
                    continue;
                }

                Process(next, time);
                processed++;
            }
        }
        finally
        {
            if (held is not null)
            {
                foreach (var (time, timer) in held)
                {
                    _queue.Schedule(Math.Max(time, _now), timer);
                }
            }
        }

        return processed;
    }

    private void Process(in SimEvent next, long time)
    {
        _now = time;
        Steps++;
        try
        {
            switch (next.Kind)
            {
                case EventKind.Deliver:
                    OnDeliver(next);
                    break;
                case EventKind.ConnectComplete:
                    OnConnectComplete(next);
                    break;
                case EventKind.PeerDownNotice:
                    OnPeerDownNotice(next);
                    break;
                case EventKind.Timer:
                    OnTimer(next);
                    break;
                case EventKind.HandlerCall:
                    OnHandlerCall(next);
                    break;
                case EventKind.ExchangeComplete:
                    OnExchangeComplete(next);
                    break;
                case EventKind.BroadcastTimer:
                    OnBroadcastTimer(next);
                    break;
                case EventKind.ProbeComplete:
                    OnProbeComplete(next);
                    break;
            }
        }
        catch (Exception exception) when (exception is not SimulationException)
        {
            throw Failure($"{next.Kind} at node {_nodes[next.Node]} (peer {next.Peer}, payload {next.Payload}) threw {exception.GetType().Name}: {exception.Message}", exception);
        }
    }

    private void OnDeliver(in SimEvent delivery)
    {
        _inFlight--;
        var sender = _nodes[delivery.Peer];
        if (!sender.Outbound.TryGetValue(delivery.Node, out var link) || link.Epoch != delivery.Token)
        {
            // The link broke while the message was in flight (or the sender crashed and its links went).
            Counters.Drop(DropReason.Broken);
            return;
        }

        link.InFlight--;
        var recipient = _nodes[delivery.Node];
        if (!recipient.Alive)
        {
            Counters.Drop(DropReason.Broken);
        }
        else if (delivery.Payload is BroadcastEnvelope envelope)
        {
            Counters.Delivered++;
            Trace(TraceKind.Delivered, delivery.Node, delivery.Peer, envelope);
            OnBroadcastDeliver(recipient, sender, envelope);
        }
        else
        {
            Counters.Delivered++;
            recipient.Received++;
            Trace(TraceKind.Delivered, delivery.Node, delivery.Peer, delivery.Payload);
            ExecuteCall(recipient, (sender.Name, delivery.Payload!), static (core, m, effects) => core.Handle(m.Name, m.Item2, effects));
        }

        TryForget(link);
    }

    private void OnConnectComplete(in SimEvent completion)
    {
        _pendingConnects--;
        var node = _nodes[completion.Node];
        if (!node.Alive
            || !node.Outbound.TryGetValue(completion.Peer, out var link)
            || link.State != LinkState.Connecting
            || link.Attempt != completion.Token)
        {
            return;
        }

        var peer = _nodes[completion.Peer];
        if (!peer.Alive || !_partitions.Reachable(node.Index, peer.Index))
        {
            link.State = LinkState.Parked;
            return;
        }

        if (link.UpReported)
        {
            // The loss of the previous connection is still to be reported: report it first, so ups and downs alternate.
            link.DownToken = 0;
            ReportDown(node, link);
            if (link.State != LinkState.Connecting || link.Attempt != completion.Token || !node.Alive)
            {
                return;
            }
        }

        link.State = LinkState.Open;
        link.UpReported = true;
        Counters.ConnectionsOpened++;
        if (link.Waiting is { Count: > 0 } waiting)
        {
            // As the driver does: what waited for the connection goes first, then PeerUp.
            while (waiting.Count > 0)
            {
                Transmit(link, waiting.Dequeue());
            }
        }

        Observe(node, ObservedKind.PeerUp, peer.Name);
        Trace(TraceKind.PeerUp, node.Index, peer.Index, null);
        ExecuteCall(node, peer.Name, static (core, name, effects) => core.PeerUp(name, effects));
        NotifyNeighbor(node, peer.Name, up: true);
    }

    private void OnPeerDownNotice(in SimEvent notice)
    {
        _pendingNotices--;
        var node = _nodes[notice.Node];
        if (!node.Alive
            || !node.Outbound.TryGetValue(notice.Peer, out var link)
            || link.DownToken != notice.Token
            || !link.UpReported)
        {
            return;
        }

        if (link.State == LinkState.Broken)
        {
            link.State = LinkState.Closed;
        }

        ReportDown(node, link);
        if (link.State == LinkState.Closed && link.Intent && node.Alive)
        {
            // The transport redials while the core wants the peer.
            StartConnect(link);
        }
        else
        {
            TryForget(link);
        }
    }

    private void OnTimer(in SimEvent firing)
    {
        var node = _nodes[firing.Node];
        var timer = (CoreTimer)firing.Payload!;
        if (!node.Alive
            || node.Incarnation != firing.Peer
            || !node.Timers.TryGetValue(timer, out var slot)
            || slot.Generation != firing.Token)
        {
            return;
        }

        if (slot.Periodic)
        {
            ScheduleTimer(node, timer, slot);
        }
        else
        {
            node.Timers.Remove(timer);
        }

        Trace(TraceKind.Timer, node.Index, -1, timer);
        ExecuteCall(node, timer, static (core, t, effects) => core.OnTimer(t, effects));
    }
}

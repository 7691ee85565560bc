using System.Runtime.ExceptionServices;
using Orleans.Partisan.Protocols;

namespace Orleans.Partisan.Simulation;

/// <summary>
/// The event loop: a conservative parallel discrete-event loop over <see cref="SimulationOptions.Workers"/> workers.
/// </summary>
/// <remarks>
/// <para>Node i belongs to worker i mod W, which keeps its events in its own agenda. The workers advance
/// in lock-step windows [start, end): start is the time of the earliest event of any agenda, and the window
/// is at most the lookahead long (the least latency, <see cref="SimulationOptions.MinLatency"/>), so an event
/// processed in it can only make events for another node at or after its end. Each worker runs its events
/// of the window in key order (<see cref="EventKey"/>); what it schedules for another worker's nodes waits
/// in an outbox until the barrier at the window's end, where the caller merges the outboxes and decides
/// whether to go on (counters and pending counts are per worker, summed when read). With one worker it is the same loop on the
/// caller's thread.</para>
/// <para>Why the run does not depend on W: a node's state is written only by its own worker (a link by its
/// sender; the recipient learns of a broken link from <see cref="SimNode.DeadEpochs"/>, written between
/// windows), every random draw and token comes from the node's own streams and counters, events are ordered
/// by a key without the worker in it, and every event due for a node in a window is in its agenda before the
/// window starts. So each node sees the same events in the same order with any W, and the trace hash, made of
/// per-node hashes, is the same. Anti-entropy exchanges, which write two nodes' stores at once, run at a barrier,
/// serially, before the events due at their time; <see cref="RunUntilQuiescent"/> decides at barriers.</para>
/// </remarks>
internal sealed partial class Simulator
{
    /// <summary>The default bound of <see cref="RunUntilQuiescent"/>.</summary>
    public const long DefaultMaxEvents = 50_000_000;

    private readonly SimWorker[] _workers;
    private readonly WorkerThreads? _threads;
    private readonly EventQueue _barrierQueue = new();
    private readonly long _lookahead;
    private long _windowEnd;
    private bool _inWindow;

    /// <summary>The windows run so far (each ends at a barrier).</summary>
    public long Windows { get; private set; }

    /// <summary>
    /// The events on the loop's critical path: over the windows, the sum of the most events one worker ran in the
    /// window. <see cref="Steps"/> divided by it is the speed-up the windows allow W workers if every event costs
    /// the same and a barrier costs nothing (a bound that load on the machine does not change).
    /// </summary>
    public long CriticalPathEvents { get; private set; }

    /// <summary>The time worker 0 (the caller's thread) waited at barriers for the other workers; zero with one worker.</summary>
    public TimeSpan BarrierWait => _threads?.CallerWait ?? TimeSpan.Zero;

    /// <summary>The time the other workers waited for a window (between runs too), summed; zero with one worker.</summary>
    public TimeSpan WorkerWait => _threads?.WorkersWait ?? TimeSpan.Zero;

    /// <summary>Runs every event due up to <paramref name="until"/>, then sets the clock to it.</summary>
    public void RunUntil(TimeSpan until)
    {
        var limit = until.Ticks;
        try
        {
            RunWindows(limit, untilQuiescent: false, long.MaxValue);
        }
        finally
        {
            if (limit > _now)
            {
                _now = limit;
            }

            SyncClocks();
        }
    }

    /// <summary>Runs for <paramref name="duration"/> of virtual time (timers fire, messages flow).</summary>
    public void RunFor(TimeSpan duration) => RunUntil(Now + duration);

    /// <summary>
    /// Runs until <see cref="IsQuiescent"/>: no message in flight, no handshake under way, no loss still
    /// to report, checked at the end of each window (so the events of the window in which the run became
    /// quiescent all run). Timers due meanwhile fire (and may send more), unless <paramref name="holdTimers"/>:
    /// then they wait and fire late, at the quiescent point, in their order, which a core cannot tell
    /// from a slow timer. Holding is how a run whose timers are out of phase reaches a quiescent point.
    /// </summary>
    /// <returns>The events processed.</returns>
    /// <exception cref="SimulationException">Not quiescent after <paramref name="maxEvents"/> events.</exception>
    public long RunUntilQuiescent(long maxEvents = DefaultMaxEvents, bool holdTimers = false)
    {
        if (holdTimers)
        {
            foreach (var worker in _workers)
            {
                worker.Held = [];
            }
        }

        try
        {
            return RunWindows(long.MaxValue, untilQuiescent: true, maxEvents);
        }
        finally
        {
            foreach (var worker in _workers)
            {
                if (worker.Held is { } held)
                {
                    foreach (var (key, timer) in held)
                    {
                        worker.Queue.Schedule(key with { Time = Math.Max(key.Time, _now) }, timer);
                    }

                    worker.Held = null;
                }
            }

            SyncClocks();
        }
    }

    /// <summary>Runs windows until the next event is past <paramref name="limit"/> (or, <paramref name="untilQuiescent"/>, until a barrier finds the run quiescent).</summary>
    private long RunWindows(long limit, bool untilQuiescent, long maxEvents)
    {
        var before = Steps;
        while (true)
        {
            if (untilQuiescent)
            {
                if (IsQuiescent)
                {
                    break;
                }

                if (Steps - before >= maxEvents)
                {
                    throw Failure($"Not quiescent after {maxEvents} events: {InFlight} messages in flight, {PendingConnects} handshakes, {Sum(static w => w.PendingNotices)} losses to report");
                }
            }

            var start = long.MaxValue;
            foreach (var worker in _workers)
            {
                start = Math.Min(start, worker.Queue.NextTime);
            }

            var barrier = _barrierQueue.NextTime;
            var next = Math.Min(start, barrier);
            if (next == long.MaxValue && untilQuiescent)
            {
                throw Failure("The agenda is empty but the simulation is not quiescent (a simulator bug)");
            }

            if (next > limit)
            {
                break;
            }

            if (barrier <= start)
            {
                RunBarrierEvents(barrier);
                continue;
            }

            var end = Math.Min(start > long.MaxValue - _lookahead ? long.MaxValue : start + _lookahead, barrier);
            if (limit < long.MaxValue)
            {
                end = Math.Min(end, limit + 1);
            }

            RunWindow(end);
        }

        return Steps - before;
    }

    /// <summary>Runs every worker's events before <paramref name="end"/>, then the barrier: outboxes merged, traced steps handed on in key order.</summary>
    private void RunWindow(long end)
    {
        _windowEnd = end;
        _inWindow = true;
        Windows++;
        Span<long> before = stackalloc long[_workers.Length];
        for (var w = 0; w < _workers.Length; w++)
        {
            before[w] = _workers[w].Steps;
        }

        try
        {
            if (_threads is null)
            {
                RunWindowOf(0);
            }
            else
            {
                _threads.Start();
                RunWindowOf(0);
                _threads.WaitDone();
            }
        }
        finally
        {
            _inWindow = false;
        }

        long most = 0;
        for (var w = 0; w < _workers.Length; w++)
        {
            most = Math.Max(most, _workers[w].Steps - before[w]);
        }

        CriticalPathEvents += most;
        foreach (var worker in _workers)
        {
            _now = Math.Max(_now, worker.LastTime);
            for (var target = 0; target < _workers.Length; target++)
            {
                var outbox = worker.Outboxes[target];
                foreach (var (key, item) in outbox)
                {
                    _workers[target].Queue.Schedule(key, item);
                }

                outbox.Clear();
            }

            foreach (var (key, item) in worker.BarrierOutbox)
            {
                _barrierQueue.Schedule(key, item);
            }

            worker.BarrierOutbox.Clear();
        }

        FlushTraces();
        SyncClocks();
        foreach (var worker in _workers)
        {
            if (worker.Failure is { } failure)
            {
                foreach (var other in _workers)
                {
                    other.Failure = null;
                }

                ExceptionDispatchInfo.Throw(failure);
            }
        }
    }

    /// <summary>Runs worker <paramref name="id"/>'s events of the current window (on whichever thread runs that worker).</summary>
    private void RunWindowOf(int id)
    {
        var worker = _workers[id];
        var queue = worker.Queue;
        var end = _windowEnd;
        try
        {
            while (queue.TryPeek(out var key) && key.Time < end)
            {
                queue.TryDequeue(out var next, out key);
                if (worker.Held is { } held && next.Kind is EventKind.Timer or EventKind.BroadcastTimer)
                {
                    held.Add((key, next));
                    continue;
                }

                Process(worker, next, key);
            }
        }
        catch (Exception exception)
        {
            worker.Failure = exception;
        }
    }

    /// <summary>Runs, serially and in key order, the barrier events (anti-entropy exchanges) due at <paramref name="time"/>, before any other event due then.</summary>
    private void RunBarrierEvents(long time)
    {
        _now = Math.Max(_now, time);
        SyncClocks();
        while (_barrierQueue.TryPeek(out var key) && key.Time == time)
        {
            _barrierQueue.TryDequeue(out var exchange, out key);
            var worker = _nodes[exchange.Node].Worker;
            worker.Steps++;
            worker.Current = key;
            OnExchangeComplete(worker, exchange);
        }
    }

    /// <summary>Sets every worker's clock to the simulator's, for what runs between windows (scenario calls, barrier events).</summary>
    private void SyncClocks()
    {
        foreach (var worker in _workers)
        {
            worker.Now = _now;
        }
    }

    /// <summary>Hands the window's traced steps to <see cref="OnTrace"/> in (time, node) order: the order one worker would have traced them in.</summary>
    private void FlushTraces()
    {
        if (OnTrace is not { } onTrace)
        {
            return;
        }

        Span<int> heads = stackalloc int[_workers.Length];
        while (true)
        {
            var best = -1;
            for (var w = 0; w < _workers.Length; w++)
            {
                var traces = _workers[w].Traces;
                if (heads[w] < traces.Count
                    && (best < 0 || Precedes(traces[heads[w]].Key, _workers[best].Traces[heads[best]].Key)))
                {
                    best = w;
                }
            }

            if (best < 0)
            {
                break;
            }

            onTrace(_workers[best].Traces[heads[best]++].Entry);
        }

        foreach (var worker in _workers)
        {
            worker.Traces.Clear();
        }

        static bool Precedes(in EventKey a, in EventKey b)
            => a.Time < b.Time || (a.Time == b.Time && a.Destination < b.Destination);
    }

    /// <summary>Schedules <paramref name="item"/> for its node at <paramref name="time"/>, made by <paramref name="source"/>: into the agenda of the node's worker, or, inside a window and for another worker, into the outbox.</summary>
    private void Schedule(SimNode source, long time, in SimEvent item)
    {
        var key = EventKey.Of(time, item.Node, source.Index, ++source.Scheduled);
        var target = _nodes[item.Node].Worker;
        if (!_inWindow || ReferenceEquals(target, source.Worker))
        {
            target.Queue.Schedule(key, item);
            return;
        }

        if (time < _windowEnd)
        {
            throw Failure(source.Worker, $"{source} scheduled {item.Kind} for node {item.Node} at {new TimeSpan(time)}, inside the window ending at {new TimeSpan(_windowEnd)} (a lookahead bug)");
        }

        source.Worker.Outboxes[target.Id].Add((key, item));
    }

    /// <summary>Schedules an event that runs at a barrier (it writes two nodes at once).</summary>
    private void ScheduleAtBarrier(SimNode source, long time, in SimEvent item)
    {
        var key = EventKey.Of(time, item.Node, source.Index, ++source.Scheduled);
        if (_inWindow)
        {
            source.Worker.BarrierOutbox.Add((key, item));
        }
        else
        {
            _barrierQueue.Schedule(key, item);
        }
    }

    private void Process(SimWorker worker, in SimEvent next, in EventKey key)
    {
        worker.Now = key.Time;
        worker.LastTime = key.Time;
        worker.Current = key;
        worker.Steps++;
        try
        {
            switch (next.Kind)
            {
                case EventKind.Deliver:
                    OnDeliver(worker, next);
                    break;
                case EventKind.ConnectComplete:
                    OnConnectComplete(worker, next);
                    break;
                case EventKind.PeerDownNotice:
                    OnPeerDownNotice(worker, next);
                    break;
                case EventKind.Timer:
                    OnTimer(next);
                    break;
                case EventKind.HandlerCall:
                    OnHandlerCall(worker, next);
                    break;
                case EventKind.BroadcastTimer:
                    OnBroadcastTimer(next);
                    break;
                case EventKind.ProbeComplete:
                    OnProbeComplete(worker, next);
                    break;
                case EventKind.ForgetLink:
                    var link = (Link)next.Payload!;
                    link.ForgetScheduled = false;
                    TryForget(link);
                    break;
            }
        }
        catch (Exception exception) when (exception is not SimulationException)
        {
            throw Failure(worker, $"{next.Kind} at node {_nodes[next.Node]} (peer {next.Peer}, payload {next.Payload}) threw {exception.GetType().Name}: {exception.Message}", exception);
        }
    }

    private void OnDeliver(SimWorker worker, in SimEvent delivery)
    {
        worker.InFlight--;
        var recipient = _nodes[delivery.Node];
        if (!recipient.Alive
            || (recipient.DeadEpochs is { } dead && dead.TryGetValue(delivery.Peer, out var epoch) && delivery.Token <= epoch))
        {
            // The recipient is down, or the link broke while the message was in flight (crash or cut).
            worker.Counters.Drop(DropReason.Broken);
            return;
        }

        var sender = _nodes[delivery.Peer];
        worker.Counters.Delivered++;
        if (delivery.Payload is BroadcastEnvelope envelope)
        {
            Trace(TraceKind.Delivered, recipient, delivery.Peer, envelope);
            OnBroadcastDeliver(recipient, sender, envelope);
        }
        else
        {
            recipient.Received++;
            Trace(TraceKind.Delivered, recipient, delivery.Peer, delivery.Payload);
            ExecuteCall(recipient, (sender.Name, delivery.Payload!), static (core, m, effects) => core.Handle(m.Name, m.Item2, effects));
        }
    }

    private void OnConnectComplete(SimWorker worker, in SimEvent completion)
    {
        worker.PendingConnects--;
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
        worker.Counters.ConnectionsOpened++;
        if (link.Waiting is { Count: > 0 } waiting)
        {
            // As the driver does: what waited for the connection goes first, then PeerUp.
            while (waiting.Count > 0)
            {
                Transmit(node, link, waiting.Dequeue());
            }
        }

        Observe(node, ObservedKind.PeerUp, peer.Name);
        Trace(TraceKind.PeerUp, node, peer.Index, null);
        ExecuteCall(node, peer.Name, static (core, name, effects) => core.PeerUp(name, effects));
        NotifyNeighbor(node, peer.Name, up: true);
    }

    private void OnPeerDownNotice(SimWorker worker, in SimEvent notice)
    {
        worker.PendingNotices--;
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

        Trace(TraceKind.Timer, node, -1, timer);
        ExecuteCall(node, timer, static (core, t, effects) => core.OnTimer(t, effects));
    }
}

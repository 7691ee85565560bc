using Orleans.Partisan.Protocols;

namespace Orleans.Partisan.Simulation;

/// <summary>Carries out the effects a core returns, as <c>PeerServiceDriver</c> and the transport do.</summary>
internal sealed partial class Simulator
{
    /// <summary>
    /// Calls the core with an effect list the simulator reuses (the call's arguments travel as <paramref name="state"/> to a
    /// static callback: no closure, no list per event) and carries out the effects.
    /// </summary>
    private void ExecuteCall<TState>(SimNode node, TState state, Action<IPeerServiceCore, TState, List<PeerServiceEffect>> call)
    {
        // Taken off the spares for the call's duration, so a call made while carrying out effects would get its own.
        var spares = node.Worker.SparePeerEffects;
        var effects = spares.Count > 0 ? spares.Pop() : [];
        call(node.Core, state, effects);
        Execute(node, effects);
        effects.Clear();
        spares.Push(effects);
    }

    /// <summary>Carries out effects a core returned (a start, a join, a probe: rare calls) through a list, as <see cref="ExecuteCall"/> does.</summary>
    private void Execute(SimNode node, IReadOnlyList<PeerServiceEffect> effects)
        => Execute(node, effects as List<PeerServiceEffect> ?? [.. effects]);

    /// <summary>Carries out the effects of one call; a <see cref="List{T}"/>, indexed without an interface call per effect.</summary>
    private void Execute(SimNode node, List<PeerServiceEffect> effects)
    {
        var membersChanged = false;
        for (var i = 0; i < effects.Count; i++)
        {
            switch (effects[i])
            {
                case SendEffect send:
                    Send(node, send.To, send.Message);
                    break;
                case ConnectEffect connect:
                    Connect(node, connect.Peer.Name);
                    break;
                case DisconnectEffect disconnect:
                    Disconnect(node, disconnect.Peer);
                    break;
                case ArmTimerEffect arm:
                    Arm(node, arm);
                    break;
                case ProbeEffect probe:
                    node.Worker.PendingProbes++;
                    Schedule(node, node.Worker.Now + Latency(node), new SimEvent(EventKind.ProbeComplete, node.Index, node.Incarnation, 0, probe.Endpoint));
                    break;
                case MemberJoinedEffect joined:
                    Observe(node, ObservedKind.MemberJoined, joined.Member.Name);
                    membersChanged = true;
                    break;
                case MemberLeftEffect left:
                    Observe(node, ObservedKind.MemberLeft, left.Member.Name);
                    membersChanged = true;
                    break;
                case SelfLeftEffect selfLeft:
                    Observe(node, ObservedKind.SelfLeft, selfLeft.RemovedBy);
                    break;
                default:
                    throw Failure($"{node} returned an effect the simulator does not know: {effects[i]}");
            }
        }

        if (membersChanged)
        {
            NotifyMembersChanged(node);
        }
    }

    /// <summary>
    /// A probe is answered one latency after it started: by the live node listening at the endpoint if it is reachable,
    /// else with nothing (a refused or timed-out dial). The dialler hears nothing if it crashed meanwhile. It reads
    /// other nodes' specs and liveness, which change only between windows.
    /// </summary>
    private void OnProbeComplete(SimWorker worker, in SimEvent probe)
    {
        worker.PendingProbes--;
        var node = _nodes[probe.Node];
        if (!node.Alive || node.Incarnation != probe.Peer)
        {
            return;
        }

        var endpoint = (string)probe.Payload!;
        SimNode? found = null;
        foreach (var candidate in _nodes)
        {
            if (candidate.Alive && candidate.Spec.ListensAt(endpoint) && _partitions.Reachable(node.Index, candidate.Index))
            {
                found = candidate;
                break;
            }
        }

        Trace(TraceKind.Probed, node, found?.Index ?? -1, endpoint);
        Execute(node, node.Core.Probed(endpoint, found?.Spec));
    }

    private void Send(SimNode node, NodeName to, object message)
    {
        var counters = node.Worker.Counters;
        if (!_byName.TryGetValue(to, out var peer))
        {
            counters.Drop(DropReason.UnknownPeer);
            return;
        }

        if (!node.Outbound.TryGetValue(peer, out var link))
        {
            counters.Drop(DropReason.NotConnected);
            return;
        }

        switch (link.State)
        {
            case LinkState.Open:
                Transmit(node, link, message);
                break;
            case LinkState.Broken:
                counters.Sent++;
                counters.Drop(DropReason.Broken);
                break;
            default:
                if (link.Intent && Options.MaxWaitingPerPeer > 0)
                {
                    var waiting = link.Waiting ??= new Queue<object>();
                    if (waiting.Count >= Options.MaxWaitingPerPeer)
                    {
                        waiting.Dequeue();
                        counters.Drop(DropReason.WaitingOverflow);
                    }

                    waiting.Enqueue(message);
                    counters.Waited++;
                }
                else
                {
                    counters.Drop(link.Intent ? DropReason.WaitingOverflow : DropReason.NotConnected);
                }

                break;
        }
    }

    /// <summary>Puts <paramref name="message"/> on <paramref name="node"/>'s open <paramref name="link"/>: lost, or delivered after a latency, in order.</summary>
    private void Transmit(SimNode node, Link link, object message)
    {
        var worker = node.Worker;
        worker.Counters.Sent++;
        if (_lossRate > 0 && node.Network.NextDouble() < _lossRate)
        {
            worker.Counters.Drop(DropReason.Loss);
            return;
        }

        var arrival = worker.Now + Latency(node);
        if (arrival < link.LastArrival)
        {
            arrival = link.LastArrival;
        }

        link.LastArrival = arrival;
        worker.InFlight++;
        Schedule(node, arrival, new SimEvent(EventKind.Deliver, link.To, link.From, link.Epoch, message));
    }

    private void Connect(SimNode node, NodeName name)
    {
        if (name == node.Name || !_byName.TryGetValue(name, out var peer))
        {
            // As the driver: a connect to self is ignored; a name the simulation has never seen is never reachable.
            return;
        }

        var link = LinkTo(node, peer);
        link.Intent = true;
        if (link.State == LinkState.Closed)
        {
            StartConnect(link);
        }
    }

    private void Disconnect(SimNode node, NodeName name)
    {
        if (!_byName.TryGetValue(name, out var peer) || !node.Outbound.TryGetValue(peer, out var link))
        {
            return;
        }

        link.Intent = false;
        if (link.Waiting is { Count: > 0 } waiting)
        {
            node.Worker.Counters.Drop(DropReason.Disconnected, waiting.Count);
            waiting.Clear();
        }

        switch (link.State)
        {
            case LinkState.Open:
                // A graceful close: what was written still arrives; the core hears PeerDown next.
                link.State = LinkState.Closed;
                ScheduleDownNotice(node, link, node.Worker.Now);
                break;
            case LinkState.Connecting or LinkState.Parked or LinkState.Broken:
                link.State = LinkState.Closed;
                break;
        }

        TryForget(link);
    }

    /// <summary>Dials: the handshake completes one latency later if the peer is alive and reachable; otherwise the link is parked.</summary>
    private void StartConnect(Link link)
    {
        if (_nodes[link.To].Alive && _partitions.Reachable(link.From, link.To))
        {
            var node = _nodes[link.From];
            link.State = LinkState.Connecting;
            link.Attempt = NextToken(node);
            node.Worker.PendingConnects++;
            Schedule(node, node.Worker.Now + Latency(node), new SimEvent(EventKind.ConnectComplete, link.From, link.To, link.Attempt, null));
        }
        else
        {
            link.State = LinkState.Parked;
        }
    }

    /// <summary>
    /// The connection breaks abruptly (between windows: a crash or a cut): what is in flight is lost (the recipient
    /// notes the old epoch as dead), and the dialler hears of it one latency later.
    /// </summary>
    private void Break(Link link)
    {
        var node = _nodes[link.From];
        NoteDeadEpoch(_nodes[link.To], link.From, link.Epoch);
        link.Epoch = NextToken(node);
        link.LastArrival = 0;
        switch (link.State)
        {
            case LinkState.Open:
                link.State = LinkState.Broken;
                ScheduleDownNotice(node, link, node.Worker.Now + Latency(node));
                break;
            case LinkState.Connecting:
                link.State = LinkState.Parked;
                break;
        }
    }

    /// <summary>Messages from <paramref name="sender"/> stamped with <paramref name="epoch"/> or older are lost on arrival at <paramref name="recipient"/>.</summary>
    private static void NoteDeadEpoch(SimNode recipient, int sender, long epoch)
    {
        var dead = recipient.DeadEpochs ??= [];
        if (!dead.TryGetValue(sender, out var noted) || noted < epoch)
        {
            dead[sender] = epoch;
        }
    }

    private void ScheduleDownNotice(SimNode node, Link link, long at)
    {
        link.DownToken = NextToken(node);
        node.Worker.PendingNotices++;
        Schedule(node, at, new SimEvent(EventKind.PeerDownNotice, link.From, link.To, link.DownToken, null));
    }

    private void ReportDown(SimNode node, Link link)
    {
        link.UpReported = false;
        node.Worker.Counters.ConnectionsLost++;
        var peer = _nodes[link.To];
        Observe(node, ObservedKind.PeerDown, peer.Name);
        Trace(TraceKind.PeerDown, node, peer.Index, null);
        ExecuteCall(node, peer.Name, static (core, name, effects) => core.PeerDown(name, effects));
        NotifyNeighbor(node, peer.Name, up: false);
    }

    private Link LinkTo(SimNode node, int peer)
    {
        if (!node.Outbound.TryGetValue(peer, out var link))
        {
            link = new Link(node.Index, peer) { Epoch = NextToken(node) };
            node.Outbound.Add(peer, link);
        }

        return link;
    }

    /// <summary>
    /// Drops a link nobody needs any more (closed, unwanted, nothing in flight), so memory follows the live
    /// connections. The sender decides alone: nothing is in flight once its clock has passed the last arrival;
    /// until then a <see cref="EventKind.ForgetLink"/> at that time asks again.
    /// </summary>
    private void TryForget(Link link)
    {
        if (link.State != LinkState.Closed || link.Intent || link.UpReported)
        {
            return;
        }

        var node = _nodes[link.From];
        if (link.LastArrival > node.Worker.Now)
        {
            if (!link.ForgetScheduled)
            {
                link.ForgetScheduled = true;
                Schedule(node, link.LastArrival, new SimEvent(EventKind.ForgetLink, link.From, link.To, 0, link));
            }

            return;
        }

        if (node.Outbound.TryGetValue(link.To, out var current) && ReferenceEquals(current, link))
        {
            node.Outbound.Remove(link.To);
        }
    }

    private void Arm(SimNode node, ArmTimerEffect arm)
    {
        if (arm.Due < TimeSpan.Zero || (arm.Periodic && arm.Due == TimeSpan.Zero))
        {
            throw Failure($"{node} armed timer '{arm.Timer}' with due time {arm.Due}{(arm.Periodic ? " (periodic)" : "")}");
        }

        var slot = new SimNode.TimerSlot(NextToken(node), arm.Due.Ticks, arm.Periodic);
        node.Timers[arm.Timer] = slot;
        ScheduleTimer(node, arm.Timer, slot);
    }

    private void ScheduleTimer(SimNode node, CoreTimer timer, SimNode.TimerSlot slot)
    {
        var at = node.Worker.Now + slot.DueTicks;
        if (_timerJitter > 0)
        {
            at += node.Jitter.NextInt64(0, _timerJitter + 1);
        }

        Schedule(node, at, new SimEvent(EventKind.Timer, node.Index, node.Incarnation, slot.Generation, timer));
    }
}

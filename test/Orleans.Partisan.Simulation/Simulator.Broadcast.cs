using Orleans.Partisan.Protocols.Broadcast;

namespace Orleans.Partisan.Simulation;

/// <summary>
/// Broadcast protocols beside the peer services: each node runs one <see cref="IBroadcastCore"/> per
/// protocol added, and the simulator keeps the promises of that interface as the broadcast driver does.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Neighbours are the node's open connections: <c>NeighborUp</c> follows the peer service's
/// <c>PeerUp</c>, <c>NeighborDown</c> its <c>PeerDown</c>; members are the peer service's <c>Members</c>,
/// given again whenever it reports a member joined or left.</item>
/// <item>A <see cref="BroadcastSendEffect"/> goes over the node's open connection to the recipient (the
/// same latency, loss and FIFO order as the peer service's messages), is lost on a broken one not yet
/// reported, and is dropped (counted as not sent) when there is no open connection.</item>
/// <item>Handler calls are answered by the node's in-memory store, one event later at the same virtual
/// time (after the effects of the call that asked): merge is new if the identity is unseen, stale if
/// seen, graft gives the payload if seen.</item>
/// <item>An <see cref="ExchangeEffect"/>, if the protocol simulates exchanges, merges the two stores both
/// ways after a round trip when both nodes still live (same incarnation) and reach each other.</item>
/// <item>Timers run in virtual time with the peer service's jitter; a crash cancels them and a restart
/// builds new cores with empty stores.</item>
/// </list>
/// </remarks>
internal sealed partial class Simulator
{
    private readonly List<BroadcastProtocol> _protocols = [];
    private Random? _broadcastSeeds;
    private long _nextBroadcastId;

    /// <summary>The broadcast protocols, by number.</summary>
    public IReadOnlyList<BroadcastProtocol> Protocols => _protocols;

    /// <summary>
    /// Adds a broadcast protocol that every node runs beside its peer service: each live node (and every
    /// node added or restarted later) gets a core from <paramref name="factory"/>, started, told of its open
    /// connections and of its peer service's members.
    /// </summary>
    /// <param name="name">The protocol's name, for reports.</param>
    /// <param name="factory">Builds a node's core from its name and a seeded random source of its own.</param>
    /// <param name="exchanges">Whether anti-entropy exchanges are carried out (otherwise only counted).</param>
    /// <returns>The protocol.</returns>
    public BroadcastProtocol AddBroadcast(string name, Func<NodeName, Random, IBroadcastCore> factory, bool exchanges = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);

        // A source of its own (not drawn from the node seeds), so adding a protocol shifts no other draw.
        _broadcastSeeds ??= new Random(unchecked((Seed * 31) + 0x0B0C));
        var protocol = new BroadcastProtocol(_protocols.Count, name, factory, exchanges, _workers.Length);
        _protocols.Add(protocol);
        foreach (var node in _nodes)
        {
            if (node.Alive)
            {
                StartBroadcast(node, protocol, connected: true);
            }
        }

        return protocol;
    }

    /// <summary>
    /// Node <paramref name="node"/> broadcasts a new message with <paramref name="protocol"/>: its store
    /// takes it (hop 0), then its core sends it.
    /// </summary>
    /// <returns>The record of the broadcast, which fills in as the simulation runs.</returns>
    public BroadcastRecord Broadcast(int node, BroadcastProtocol protocol, string handler = "sim", object? payload = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        var origin = Living(node);
        var id = ++_nextBroadcastId;
        var key = new BroadcastMessageKey(handler, id);
        payload ??= id;
        var record = new BroadcastRecord(key, node, Now);
        protocol.Add(record);
        var instance = origin.Broadcasts[protocol.Number];
        instance.Store.Add(key, payload);
        Trace(TraceKind.Broadcast, origin, protocol.Number, null);
        RunBroadcast(origin, protocol.Number, "Broadcast", (core, effects) => core.Broadcast(handler, id, payload, null, effects));
        return record;
    }

    /// <summary>The broadcast core of <paramref name="protocol"/> at node <paramref name="node"/>.</summary>
    public IBroadcastCore BroadcastCore(int node, BroadcastProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        return _nodes[node].Broadcasts[protocol.Number].Core;
    }

    /// <summary>Builds and starts node <paramref name="node"/>'s core of <paramref name="protocol"/> with an empty store.</summary>
    private void StartBroadcast(SimNode node, BroadcastProtocol protocol, bool connected)
    {
        var random = new Random(_broadcastSeeds!.Next());
        var instance = new BroadcastInstance(protocol.Factory(node.Name, random));
        if (node.Broadcasts.Count > protocol.Number)
        {
            node.Broadcasts[protocol.Number] = instance;
        }
        else
        {
            node.Broadcasts.Add(instance);
        }

        RunBroadcast(node, protocol.Number, "Start", static (core, effects) => core.Start(effects));
        if (connected)
        {
            foreach (var (peer, link) in node.Outbound)
            {
                if (link.UpReported)
                {
                    var name = _nodes[peer].Name;
                    RunBroadcast(node, protocol.Number, "NeighborUp", (core, effects) => core.NeighborUp(name, effects));
                }
            }
        }

        var members = MemberNames(node);
        RunBroadcast(node, protocol.Number, "MembersChanged", members, static (core, m, effects) => core.MembersChanged(m, effects));
    }

    /// <summary>Builds every protocol's core of a node that starts (added or restarted).</summary>
    private void StartBroadcasts(SimNode node)
    {
        node.Broadcasts.Clear();
        foreach (var protocol in _protocols)
        {
            StartBroadcast(node, protocol, connected: false);
        }
    }

    /// <summary>The names of the node's members, in a list the simulator reuses (valid until the next call).</summary>
    private static List<NodeName> MemberNames(SimNode node)
    {
        var names = node.Worker.MemberNames;
        names.Clear();
        node.Core.AddMemberNames(names);
        return names;
    }

    /// <summary>The peer service reported a member joined or left: every broadcast core hears the new members.</summary>
    private void NotifyMembersChanged(SimNode node)
    {
        if (node.Broadcasts.Count == 0 || !node.Alive)
        {
            return;
        }

        var members = MemberNames(node);
        for (var p = 0; p < node.Broadcasts.Count; p++)
        {
            RunBroadcast(node, p, "MembersChanged", members, static (core, m, effects) => core.MembersChanged(m, effects));
        }
    }

    private void NotifyNeighbor(SimNode node, NodeName peer, bool up)
    {
        for (var p = 0; p < node.Broadcasts.Count && node.Alive; p++)
        {
            if (up)
            {
                RunBroadcast(node, p, "NeighborUp", peer, static (core, name, effects) => core.NeighborUp(name, effects));
            }
            else
            {
                RunBroadcast(node, p, "NeighborDown", peer, static (core, name, effects) => core.NeighborDown(name, effects));
            }
        }
    }

    private void RunBroadcast(SimNode node, int protocol, string what, Action<IBroadcastCore, List<BroadcastEffect>> call)
        => RunBroadcast(node, protocol, what, call, static (core, call, effects) => call(core, effects));

    /// <summary>
    /// Calls a broadcast core and carries out its effects. The call's arguments travel as
    /// <paramref name="state"/> to a static lambda, so the calls made for every event allocate no closure.
    /// </summary>
    private void RunBroadcast<TState>(SimNode node, int protocol, string what, TState state, Action<IBroadcastCore, TState, List<BroadcastEffect>> call)
    {
        // The effect lists are reused: one per nesting level (effects are carried out before the next call, but a
        // list is taken off the spares for the call's duration, so a call made while carrying out effects gets its own).
        var spares = node.Worker.SpareBroadcastEffects;
        var effects = spares.Count > 0 ? spares.Pop() : [];
        try
        {
            call(node.Broadcasts[protocol].Core, state, effects);
        }
        catch (Exception exception) when (exception is not SimulationException)
        {
            throw Failure(node.Worker, $"{what} on the {_protocols[protocol].Name} core of {node} threw {exception.GetType().Name}: {exception.Message}", exception);
        }

        ExecuteBroadcast(node, protocol, effects);
        effects.Clear();
        spares.Push(effects);
    }

    private void ExecuteBroadcast(SimNode node, int protocol, List<BroadcastEffect> effects)
    {
        for (var i = 0; i < effects.Count; i++)
        {
            switch (effects[i])
            {
                case BroadcastSendEffect send:
                    SendBroadcast(node, protocol, send);
                    break;
                case MergeEffect or CheckStaleEffect or GraftPayloadEffect:
                    node.Worker.PendingHandlerCalls++;
                    Schedule(node, node.Worker.Now, new SimEvent(EventKind.HandlerCall, node.Index, node.Incarnation, protocol, effects[i]));
                    break;
                case ExchangeEffect exchange:
                    StartExchange(node, protocol, exchange.Peer);
                    break;
                case BroadcastTimerEffect arm:
                    ArmBroadcastTimer(node, protocol, arm);
                    break;
                case CancelBroadcastTimerEffect cancel:
                    node.Broadcasts[protocol].Timers.Remove(cancel.Timer);
                    break;
                default:
                    throw Failure($"The {_protocols[protocol].Name} core of {node} returned an effect the simulator does not know: {effects[i]}");
            }
        }
    }

    private void SendBroadcast(SimNode node, int protocol, BroadcastSendEffect send)
    {
        var counters = _protocols[protocol].WorkerCounters[node.Worker.Id];
        if (!_byName.TryGetValue(send.To, out var peer)
            || !node.Outbound.TryGetValue(peer, out var link)
            || link.State is not (LinkState.Open or LinkState.Broken))
        {
            counters.NotSent++;
            node.Worker.Counters.Drop(DropReason.NotConnected);
            return;
        }

        switch (send.Message)
        {
            case BroadcastGossip gossip:
                counters.Gossip++;
                if (_protocols[protocol].Find(new BroadcastMessageKey(gossip.Handler, gossip.MessageId)) is { } record)
                {
                    record.AddPayloadMessage();
                }

                break;
            case BroadcastIHave ihave:
                counters.IHave++;
                counters.Announcements += ihave.Announcements.Length;
                break;
            case BroadcastGraft graft:
                counters.Graft++;
                if (_protocols[protocol].Find(new BroadcastMessageKey(graft.Handler, graft.MessageId)) is { } grafted)
                {
                    grafted.AddGraft();
                }

                break;
            case BroadcastPrune:
                counters.Prune++;
                break;
        }

        if (link.State == LinkState.Open)
        {
            Transmit(node, link, new BroadcastEnvelope(protocol, send.Message));
        }
        else
        {
            node.Worker.Counters.Sent++;
            node.Worker.Counters.Drop(DropReason.Broken);
        }
    }

    private void OnBroadcastDeliver(SimNode recipient, SimNode sender, BroadcastEnvelope envelope)
        => RunBroadcast(recipient, envelope.Protocol, "Handle", (sender.Name, envelope.Message), static (core, s, effects) => core.Handle(s.Name, s.Message, effects));

    private void OnHandlerCall(SimWorker worker, in SimEvent call)
    {
        worker.PendingHandlerCalls--;
        var node = _nodes[call.Node];
        if (!node.Alive || node.Incarnation != call.Peer)
        {
            return;
        }

        var protocol = (int)call.Token;
        var instance = node.Broadcasts[protocol];
        _protocols[protocol].WorkerCounters[worker.Id].HandlerCalls++;
        Trace(TraceKind.HandlerCall, node, protocol, call.Payload);
        switch (call.Payload)
        {
            case MergeEffect merge:
                var key = new BroadcastMessageKey(merge.Gossip.Handler, merge.Gossip.MessageId);
                var isNew = instance.Store.TryAdd(key, merge.Gossip.Payload);
                if (isNew)
                {
                    _protocols[protocol].Find(key)?.Deliver(node.Index, merge.Gossip.Round, new TimeSpan(worker.Now));
                }

                RunBroadcast(node, protocol, "Merged", (merge, isNew), static (core, s, effects) => core.Merged(s.merge.From, s.merge.Gossip, s.isNew, effects));
                break;
            case CheckStaleEffect check:
                var stale = instance.Store.ContainsKey(new BroadcastMessageKey(check.Handler, check.Announcement.MessageId));
                RunBroadcast(node, protocol, "StaleChecked", (check, stale), static (core, s, effects) => core.StaleChecked(s.check.From, s.check.Handler, s.check.Announcement, s.stale, effects));
                break;
            case GraftPayloadEffect graft:
                var payload = instance.Store.GetValueOrDefault(new BroadcastMessageKey(graft.Graft.Handler, graft.Graft.MessageId));
                RunBroadcast(node, protocol, "GraftAnswered", (graft, payload), static (core, s, effects) => core.GraftAnswered(s.graft.Requester, s.graft.Graft, s.payload, effects));
                break;
        }
    }

    private void StartExchange(SimNode node, int protocol, NodeName peerName)
    {
        var definition = _protocols[protocol];
        definition.WorkerCounters[node.Worker.Id].ExchangesAsked++;
        if (!definition.Exchanges || !_byName.TryGetValue(peerName, out var peer) || peer == node.Index)
        {
            return;
        }

        var other = _nodes[peer];
        if (!other.Alive || !_partitions.Reachable(node.Index, peer))
        {
            return;
        }

        node.Worker.PendingExchanges++;
        var roundTrip = Latency(node) + Latency(node);
        ScheduleAtBarrier(node, node.Worker.Now + roundTrip, new SimEvent(EventKind.ExchangeComplete, node.Index, peer, protocol, new ExchangeCall(node.Incarnation, other.Incarnation)));
    }

    /// <summary>An exchange completes: it writes both nodes' stores, so it runs at a barrier (between windows).</summary>
    private void OnExchangeComplete(SimWorker worker, in SimEvent exchange)
    {
        worker.PendingExchanges--;
        var node = _nodes[exchange.Node];
        var peer = _nodes[exchange.Peer];
        var call = (ExchangeCall)exchange.Payload!;
        if (!node.Alive || !peer.Alive
            || node.Incarnation != call.NodeIncarnation || peer.Incarnation != call.PeerIncarnation
            || !_partitions.Reachable(node.Index, peer.Index))
        {
            return;
        }

        var protocol = _protocols[(int)exchange.Token];
        var counters = protocol.WorkerCounters[worker.Id];
        counters.Exchanges++;
        Trace(TraceKind.Exchange, node, peer.Index, null);
        var mine = node.Broadcasts[protocol.Number].Store;
        var theirs = peer.Broadcasts[protocol.Number].Store;
        Reconcile(mine, theirs, peer.Index, protocol, counters);
        Reconcile(theirs, mine, node.Index, protocol, counters);
    }

    /// <summary>What <paramref name="from"/> holds and <paramref name="to"/> lacks goes to <paramref name="to"/> (node <paramref name="toNode"/>).</summary>
    private void Reconcile(Dictionary<BroadcastMessageKey, object> from, Dictionary<BroadcastMessageKey, object> to, int toNode, BroadcastProtocol protocol, BroadcastCounters counters)
    {
        List<KeyValuePair<BroadcastMessageKey, object>>? lacking = null;
        foreach (var entry in from)
        {
            if (!to.ContainsKey(entry.Key))
            {
                (lacking ??= []).Add(entry);
            }
        }

        if (lacking is null)
        {
            return;
        }

        foreach (var (key, payload) in lacking)
        {
            to.Add(key, payload);
            counters.ExchangeTransfers++;
            protocol.Find(key)?.DeliverByExchange(toNode, Now);
        }
    }

    private void ArmBroadcastTimer(SimNode node, int protocol, BroadcastTimerEffect arm)
    {
        if (arm.Due < TimeSpan.Zero || (arm.Periodic && arm.Due == TimeSpan.Zero))
        {
            throw Failure($"The {_protocols[protocol].Name} core of {node} armed timer '{arm.Timer}' with due time {arm.Due}{(arm.Periodic ? " (periodic)" : "")}");
        }

        var timers = node.Broadcasts[protocol].Timers;
        var firing = timers.TryGetValue(arm.Timer, out var previous) ? previous.Firing : new BroadcastTimerFiring(protocol, arm.Timer);
        var slot = new BroadcastInstance.Slot(NextToken(node), arm.Due.Ticks, arm.Periodic, firing);
        timers[arm.Timer] = slot;
        ScheduleBroadcastTimer(node, slot);
    }

    private void ScheduleBroadcastTimer(SimNode node, BroadcastInstance.Slot slot)
    {
        var at = node.Worker.Now + slot.DueTicks;
        if (_timerJitter > 0)
        {
            at += node.Jitter.NextInt64(0, _timerJitter + 1);
        }

        Schedule(node, at, new SimEvent(EventKind.BroadcastTimer, node.Index, node.Incarnation, slot.Generation, slot.Firing));
    }

    private void OnBroadcastTimer(in SimEvent firing)
    {
        var node = _nodes[firing.Node];
        var timer = (BroadcastTimerFiring)firing.Payload!;
        if (!node.Alive
            || node.Incarnation != firing.Peer
            || !node.Broadcasts[timer.Protocol].Timers.TryGetValue(timer.Timer, out var slot)
            || slot.Generation != firing.Token)
        {
            return;
        }

        if (slot.Periodic)
        {
            ScheduleBroadcastTimer(node, slot);
        }
        else
        {
            node.Broadcasts[timer.Protocol].Timers.Remove(timer.Timer);
        }

        Trace(TraceKind.BroadcastTimer, node, timer.Protocol, timer.Timer);
        RunBroadcast(node, timer.Protocol, "OnTimer", timer.Timer, static (core, t, effects) => core.OnTimer(t, effects));
    }
}

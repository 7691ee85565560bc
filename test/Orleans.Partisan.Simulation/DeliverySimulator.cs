using Orleans.Partisan.Protocols.Delivery;

namespace Orleans.Partisan.Simulation;

/// <summary>
/// A deterministic simulation of the delivery cores (<see cref="AckTracker{T}"/>, <see cref="AckReceiver{T}"/>,
/// <see cref="CausalBuffer{T}"/>) of N nodes over a simulated network with seeded loss, latency (optionally
/// reordering) and connection resets, in virtual time. Each node drives its cores as <c>PartisanNode</c>
/// does; a <see cref="DeliveryChecker"/> (and, for causal runs, a <see cref="CausalChecker"/>) checks what the
/// application sees. The same seed gives the same run.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A sender takes a message into its tracker (and, for a causal message, stamps it) when its window to
/// the destination has room, and queues it in send order otherwise; each acknowledgement makes room.</item>
/// <item>Each transmission draws a latency and is lost with <see cref="DeliverySimulationOptions.LossRate"/>; with
/// <see cref="DeliverySimulationOptions.Reorder"/> a later one may overtake it, else links are FIFO.</item>
/// <item>A reset cuts both directions between two nodes: in-flight packets are lost, packets written while it is
/// down are lost, and after <see cref="DeliverySimulationOptions.ReconnectDelay"/> each side is told
/// (<see cref="AckTracker{T}.Reconnected"/>) and retransmits what is outstanding.</item>
/// <item>A receiver hands what its ack layer accepts to its causal buffer (causal runs) or straight to the
/// application, reports each delivery back to the ack layer, and acknowledges at once.</item>
/// </list>
/// </remarks>
internal sealed partial class DeliverySimulator
{
    private readonly PriorityQueue<DeliveryEvent, (long Time, long Sequence)> _queue = new();
    private readonly Dictionary<long, DeliveryLink> _links = [];
    private readonly Dictionary<long, long> _lastArrival = [];
    private readonly Dictionary<NodeName, int> _byName = [];
    private readonly DeliverySimNode[] _nodes;
    private readonly Random _workload;
    private readonly Random _network;
    private readonly Random _faults;
    private readonly (int A, int B)[] _recentPairs = new (int, int)[1024];
    private readonly long _minLatency;
    private readonly long _maxLatency;
    private long _sequence;
    private long _now;
    private int _sentCount;
    private int _recentCount;

    public DeliverySimulator(DeliverySimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        var seeds = new Random(options.Seed);
        _workload = new Random(seeds.Next());
        _network = new Random(seeds.Next());
        _faults = new Random(seeds.Next());
        _minLatency = options.MinLatency.Ticks;
        _maxLatency = options.MaxLatency.Ticks;
        _nodes = new DeliverySimNode[options.Nodes];
        for (var i = 0; i < options.Nodes; i++)
        {
            _nodes[i] = new DeliverySimNode(i, new NodeName($"n{i}"), options);
            _byName[_nodes[i].Name] = i;
        }

        Checker = new DeliveryChecker(options.Seed, options.Nodes);
        Causal = options.CausalGroupSize is { } size ? new CausalChecker(options.Seed, options.Nodes, size) : null;
    }

    public DeliverySimulationOptions Options { get; }

    /// <summary>Exactly-once and key-order checks.</summary>
    public DeliveryChecker Checker { get; }

    /// <summary>Causal order checks, for causal runs.</summary>
    public CausalChecker? Causal { get; }

    /// <summary>What the run did.</summary>
    public DeliverySimulationResult Result { get; } = new();

    public TimeSpan Now => new(_now);

    /// <summary>
    /// Runs the workload to the end and then until every message is acknowledged and nothing is in flight;
    /// throws a <see cref="SimulationException"/> (with the seed) at the first violation, or when the run does
    /// not finish within <paramref name="maxEvents"/>.
    /// </summary>
    public DeliverySimulationResult Run(long maxEvents = 50_000_000)
    {
        if (Options.Messages > 0)
        {
            Schedule(0, new DeliveryEvent(DeliveryEventKind.Send, 0, 0, 0, null));
        }

        if (Options.ResetInterval is { } interval)
        {
            Schedule(NextGap(_faults, interval.Ticks), new DeliveryEvent(DeliveryEventKind.Reset, 0, 0, 0, null));
        }

        while (_queue.TryDequeue(out var next, out var priority))
        {
            if (++Result.Events > maxEvents)
            {
                throw Failure($"Not finished after {maxEvents} events");
            }

            _now = priority.Time;
            switch (next.Kind)
            {
                case DeliveryEventKind.Send:
                    OnSend();
                    break;
                case DeliveryEventKind.Arrive:
                    OnArrive(next);
                    break;
                case DeliveryEventKind.Tick:
                    OnTick(_nodes[next.Node]);
                    break;
                case DeliveryEventKind.Reset:
                    OnReset();
                    break;
                case DeliveryEventKind.Reconnect:
                    OnReconnect(next);
                    break;
            }
        }

        var outstanding = _nodes.Sum(n => n.Tracker.TotalOutstanding + n.Waiting.Values.Sum(q => q.Count));
        if (outstanding > 0)
        {
            throw Failure($"The run ended with {outstanding} messages not acknowledged");
        }

        Checker.VerifyComplete();
        Result.Delivered = Checker.DeliveredOnce;
        return Result;
    }

    /// <summary>An exception naming the seed, the virtual time and what the run did so far.</summary>
    public SimulationException Failure(string message) => new(Options.Seed, $"{message} [at {Now}: {Result}]");

    private static long NextGap(Random random, long mean) => (long)(-Math.Log(1 - random.NextDouble()) * mean);

    private void Schedule(long time, in DeliveryEvent item) => _queue.Enqueue(item, (time, _sequence++));

    private void OnSend()
    {
        var id = _sentCount++;
        var from = _workload.Next(Options.Nodes);
        int to;
        string? label = null;
        if (Options.CausalGroupSize is { } size)
        {
            var first = from / size * size;
            var members = Math.Min(size, Options.Nodes - first);
            to = first + _workload.Next(members);
            label = $"g{first / size}";
        }
        else
        {
            to = _workload.Next(Options.Nodes - 1);
            to += to >= from ? 1 : 0;
        }

        var keyDraw = _workload.Next(Options.PartitionKeys + 1);
        var message = new DeliverySimMessage(id, from, to, keyDraw < Options.PartitionKeys ? keyDraw : null, label);
        Checker.Sent(message);
        Causal?.Sent(message);
        Result.Sent++;
        _recentPairs[_recentCount++ % _recentPairs.Length] = (from, to);

        var sender = _nodes[from];
        if (sender.Waiting.TryGetValue(to, out var waiting) && waiting.Count > 0 || !sender.Tracker.HasRoom(_nodes[to].Name))
        {
            if (waiting is null)
            {
                sender.Waiting[to] = waiting = new Queue<DeliverySimMessage>();
            }

            waiting.Enqueue(message);
            Result.WaitedForRoom++;
        }
        else
        {
            TrackAndSend(sender, message);
        }

        if (_sentCount < Options.Messages)
        {
            var mean = Options.SendPeriod.Ticks / Math.Max(1, Options.Messages);
            Schedule(_now + NextGap(_workload, mean), new DeliveryEvent(DeliveryEventKind.Send, 0, 0, 0, null));
        }
    }

    private void TrackAndSend(DeliverySimNode sender, DeliverySimMessage message)
    {
        var destination = _nodes[message.To];
        if (message.Label is { } label)
        {
            // Stamped when the tracker takes it, so causal numbers and ack numbers are given in one order.
            message.Stamp = sender.Causal.Stamp(label, destination.Name);
            Result.MaxStampCells = Math.Max(Result.MaxStampCells, message.Stamp.CellCount);
        }

        OrderKey? key = message.Key is { } k ? new OrderKey("default", k) : null;
        if (!sender.Tracker.TryTrack(destination.Name, message, key, pinned: message.Label is not null, Now, deadline: null, out var stamp))
        {
            throw Failure($"{sender} had room for {destination} but the tracker refused message {message.Id}");
        }

        Transmit(sender.Index, destination.Index, new DataPacket(stamp, message));
        Result.Transmissions++;
        ScheduleTick(sender);
    }

    /// <summary>Takes queued sends to <paramref name="to"/> into the tracker while there is room.</summary>
    private void SendWaiting(DeliverySimNode sender, int to)
    {
        if (!sender.Waiting.TryGetValue(to, out var waiting))
        {
            return;
        }

        var name = _nodes[to].Name;
        while (waiting.Count > 0 && sender.Tracker.HasRoom(name))
        {
            TrackAndSend(sender, waiting.Dequeue());
        }

        if (waiting.Count == 0)
        {
            sender.Waiting.Remove(to);
        }
    }

    /// <summary>
    /// Schedules the node's tracker tick when it is next due, rounded up to a quarter of the retransmit
    /// interval, as the runtime's periodic timer does (a tick per due entry would cost a scan each).
    /// </summary>
    private void ScheduleTick(DeliverySimNode node)
    {
        if (node.Tracker.NextDue is not { } due)
        {
            return;
        }

        var granularity = Math.Max(1, Options.RetransmitInterval.Ticks / 4);
        var at = Math.Max((due.Ticks + granularity - 1) / granularity * granularity, _now);
        if (at < node.NextTick)
        {
            node.NextTick = at;
            Schedule(at, new DeliveryEvent(DeliveryEventKind.Tick, node.Index, 0, 0, null));
        }
    }

    private void OnTick(DeliverySimNode node)
    {
        if (node.NextTick == _now)
        {
            node.NextTick = long.MaxValue;
        }

        var tick = node.Tracker.Tick(Now);
        if (tick.Expired.Count > 0)
        {
            throw Failure($"{node}'s tracker reported {tick.Expired.Count} messages expired with no ack timeout");
        }

        foreach (var copy in tick.Retransmit)
        {
            Transmit(node.Index, _byName[copy.Destination], new DataPacket(copy.Stamp, copy.Message));
            Result.Transmissions++;
            Result.Retransmissions++;
        }

        ScheduleTick(node);
    }

    private void OnReset()
    {
        if (_sentCount >= Options.Messages || Options.ResetInterval is not { } interval)
        {
            return; // resets stop with the workload, so the run can finish
        }

        if (_recentCount > 0)
        {
            var (a, b) = _recentPairs[_faults.Next(Math.Min(_recentCount, _recentPairs.Length))];
            var forward = Link(a, b);
            var backward = Link(b, a);
            forward.Epoch++;
            backward.Epoch++;
            forward.Up = backward.Up = false;
            Result.Resets++;
            Schedule(_now + Options.ReconnectDelay.Ticks, new DeliveryEvent(DeliveryEventKind.Reconnect, a, b, forward.Epoch, null));
        }

        Schedule(_now + NextGap(_faults, interval.Ticks), new DeliveryEvent(DeliveryEventKind.Reset, 0, 0, 0, null));
    }

    private void OnReconnect(in DeliveryEvent reconnect)
    {
        var forward = Link(reconnect.Node, reconnect.Peer);
        if (forward.Epoch != reconnect.Epoch)
        {
            return; // reset again meanwhile; a later reconnect brings it up
        }

        forward.Up = Link(reconnect.Peer, reconnect.Node).Up = true;
        foreach (var (node, peer) in new[] { (reconnect.Node, reconnect.Peer), (reconnect.Peer, reconnect.Node) })
        {
            foreach (var copy in _nodes[node].Tracker.Reconnected(_nodes[peer].Name, Now))
            {
                Transmit(node, peer, new DataPacket(copy.Stamp, copy.Message));
                Result.Transmissions++;
                Result.Retransmissions++;
            }

            ScheduleTick(_nodes[node]);
        }
    }

    private static long LinkKey(int from, int to) => ((long)from << 32) | (uint)to;

    /// <summary>The state of a link that was reset at least once; others are up at epoch 0.</summary>
    private DeliveryLink Link(int from, int to)
    {
        var key = LinkKey(from, to);
        if (!_links.TryGetValue(key, out var link))
        {
            _links[key] = link = new DeliveryLink();
        }

        return link;
    }

    private int EpochOf(int from, int to) => _links.TryGetValue(LinkKey(from, to), out var link) ? link.Epoch : 0;

    private void Transmit(int from, int to, DeliveryPacket packet)
    {
        var epoch = 0;
        if (_links.TryGetValue(LinkKey(from, to), out var link))
        {
            if (!link.Up)
            {
                Result.LostToResets++;
                return;
            }

            epoch = link.Epoch;
        }

        if (Options.LossRate > 0 && _network.NextDouble() < Options.LossRate)
        {
            Result.Lost++;
            return;
        }

        var arrival = _now + (_maxLatency == _minLatency ? _minLatency : _network.NextInt64(_minLatency, _maxLatency + 1));
        if (!Options.Reorder)
        {
            var key = LinkKey(from, to);
            arrival = Math.Max(arrival, _lastArrival.GetValueOrDefault(key));
            _lastArrival[key] = arrival;
        }

        Schedule(arrival, new DeliveryEvent(DeliveryEventKind.Arrive, to, from, epoch, packet));
    }
}

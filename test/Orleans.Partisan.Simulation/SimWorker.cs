using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.Broadcast;

namespace Orleans.Partisan.Simulation;

/// <summary>
/// One worker of a <see cref="Simulator"/>: the nodes whose number modulo the worker count is
/// <see cref="Id"/>, their agenda, and everything an event writes that is not a node's own (counters,
/// pending counts, scratch lists, traced steps). Inside a window only its own thread touches it; the
/// simulator reads and merges it at the barrier.
/// </summary>
internal sealed class SimWorker
{
    internal SimWorker(int id, int workers)
    {
        Id = id;
        Outboxes = new List<(EventKey Key, SimEvent Event)>[workers];
        for (var i = 0; i < workers; i++)
        {
            Outboxes[i] = [];
        }
    }

    /// <summary>The worker's number.</summary>
    public int Id { get; }

    /// <summary>The events of this worker's nodes.</summary>
    public EventQueue Queue { get; } = new();

    /// <summary>By worker: events scheduled in this window for another worker's nodes, merged into its agenda at the barrier.</summary>
    public List<(EventKey Key, SimEvent Event)>[] Outboxes { get; }

    /// <summary>Events to run at a barrier (anti-entropy exchanges), merged into the simulator's barrier agenda.</summary>
    public List<(EventKey Key, SimEvent Event)> BarrierOutbox { get; } = [];

    /// <summary>The virtual time of the event being processed (ticks); the simulator's clock between windows.</summary>
    public long Now;

    /// <summary>The key of the event being processed (orders the traced steps of a window).</summary>
    public EventKey Current;

    /// <summary>Events processed by this worker.</summary>
    public long Steps;

    /// <summary>Messages sent (plus) and arrived or lost on arrival (minus) by this worker's nodes: summed over workers, those in flight.</summary>
    public long InFlight;

    /// <summary>Handshakes started minus completed, as <see cref="InFlight"/>.</summary>
    public long PendingConnects;

    /// <summary>Loss notices scheduled minus handled.</summary>
    public long PendingNotices;

    /// <summary>Probes started minus answered.</summary>
    public long PendingProbes;

    /// <summary>Broadcast handler calls asked minus answered.</summary>
    public long PendingHandlerCalls;

    /// <summary>Anti-entropy exchanges started minus completed.</summary>
    public long PendingExchanges;

    /// <summary>What this worker's events added to the message counters since the simulator last summed them.</summary>
    public NetworkCounters Counters { get; } = new();

    /// <summary>Effect lists reused by the peer-service calls, one per nesting level.</summary>
    public Stack<List<PeerServiceEffect>> SparePeerEffects { get; } = new();

    /// <summary>Effect lists reused by the broadcast calls, one per nesting level.</summary>
    public Stack<List<BroadcastEffect>> SpareBroadcastEffects { get; } = new();

    /// <summary>The member names handed to <c>MembersChanged</c>, refilled for every call.</summary>
    public List<NodeName> MemberNames { get; } = [];

    /// <summary>The stable hash of each payload type met (per worker, so no lock).</summary>
    public Dictionary<Type, ulong> TypeHashes { get; } = [];

    /// <summary>Steps traced in this window, in this worker's order, for <see cref="Simulator.OnTrace"/>.</summary>
    public List<(EventKey Key, TraceEntry Entry)> Traces { get; } = [];

    /// <summary>Timers held by <see cref="Simulator.RunUntilQuiescent"/> (null unless it holds them).</summary>
    public List<(EventKey Key, SimEvent Event)>? Held;

    /// <summary>The time of the last event this worker processed.</summary>
    public long LastTime;

    /// <summary>What went wrong in this worker's window, rethrown by the simulator at the barrier.</summary>
    public Exception? Failure;
}

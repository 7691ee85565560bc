using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.Broadcast;

namespace Orleans.Partisan.Simulation;

/// <summary>
/// One node's part of a broadcast protocol: its core, the in-memory store that answers the handler's
/// calls (merge: new if the identity is unseen; stale: seen; graft: the payload if seen), and its timers.
/// </summary>
internal sealed class BroadcastInstance(IBroadcastCore core)
{
    /// <summary>The node's broadcast core.</summary>
    public IBroadcastCore Core { get; } = core;

    /// <summary>The messages the node's handler holds, by identity.</summary>
    public Dictionary<BroadcastMessageKey, object> Store { get; } = [];

    /// <summary>Armed timers by name.</summary>
    internal Dictionary<CoreTimer, Slot> Timers { get; } = [];

    /// <summary>An armed timer: firings of an older generation are ignored (re-arming replaces, cancelling removes).</summary>
    internal readonly record struct Slot(long Generation, long DueTicks, bool Periodic, BroadcastTimerFiring Firing);
}

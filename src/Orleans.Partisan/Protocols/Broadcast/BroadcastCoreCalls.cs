namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// The calls of <see cref="IBroadcastCore"/> returning their effects in a new list, for callers that make
/// few calls (the runtime driver, tests); a caller that makes many passes one list it reuses instead.
/// </summary>
internal static class BroadcastCoreCalls
{
    /// <summary><see cref="IBroadcastCore.Start"/>, returning its effects.</summary>
    public static List<BroadcastEffect> Start(this IBroadcastCore core)
    {
        var effects = new List<BroadcastEffect>();
        core.Start(effects);
        return effects;
    }

    /// <summary><see cref="IBroadcastCore.Broadcast"/>, returning its effects.</summary>
    public static List<BroadcastEffect> Broadcast(this IBroadcastCore core, string handler, object messageId, object payload, TraceContext? trace = null)
    {
        var effects = new List<BroadcastEffect>();
        core.Broadcast(handler, messageId, payload, trace, effects);
        return effects;
    }

    /// <summary><see cref="IBroadcastCore.Handle"/>, returning its effects.</summary>
    public static List<BroadcastEffect> Handle(this IBroadcastCore core, NodeName from, IBroadcastMessage message)
    {
        var effects = new List<BroadcastEffect>();
        core.Handle(from, message, effects);
        return effects;
    }

    /// <summary><see cref="IBroadcastCore.Merged"/>, returning its effects.</summary>
    public static List<BroadcastEffect> Merged(this IBroadcastCore core, NodeName from, BroadcastGossip gossip, bool isNew)
    {
        var effects = new List<BroadcastEffect>();
        core.Merged(from, gossip, isNew, effects);
        return effects;
    }

    /// <summary><see cref="IBroadcastCore.StaleChecked"/>, returning its effects.</summary>
    public static List<BroadcastEffect> StaleChecked(this IBroadcastCore core, NodeName from, string handler, BroadcastAnnouncement announcement, bool isStale)
    {
        var effects = new List<BroadcastEffect>();
        core.StaleChecked(from, handler, announcement, isStale, effects);
        return effects;
    }

    /// <summary><see cref="IBroadcastCore.GraftAnswered"/>, returning its effects.</summary>
    public static List<BroadcastEffect> GraftAnswered(this IBroadcastCore core, NodeName requester, BroadcastGraft graft, object? payload)
    {
        var effects = new List<BroadcastEffect>();
        core.GraftAnswered(requester, graft, payload, effects);
        return effects;
    }

    /// <summary><see cref="IBroadcastCore.NeighborUp"/>, returning its effects.</summary>
    public static List<BroadcastEffect> NeighborUp(this IBroadcastCore core, NodeName peer)
    {
        var effects = new List<BroadcastEffect>();
        core.NeighborUp(peer, effects);
        return effects;
    }

    /// <summary><see cref="IBroadcastCore.NeighborDown"/>, returning its effects.</summary>
    public static List<BroadcastEffect> NeighborDown(this IBroadcastCore core, NodeName peer)
    {
        var effects = new List<BroadcastEffect>();
        core.NeighborDown(peer, effects);
        return effects;
    }

    /// <summary><see cref="IBroadcastCore.MembersChanged"/>, returning its effects.</summary>
    public static List<BroadcastEffect> MembersChanged(this IBroadcastCore core, IReadOnlyCollection<NodeName> members)
    {
        var effects = new List<BroadcastEffect>();
        core.MembersChanged(members, effects);
        return effects;
    }

    /// <summary><see cref="IBroadcastCore.OnTimer"/>, returning its effects.</summary>
    public static List<BroadcastEffect> OnTimer(this IBroadcastCore core, CoreTimer timer)
    {
        var effects = new List<BroadcastEffect>();
        core.OnTimer(timer, effects);
        return effects;
    }
}

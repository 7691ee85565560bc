using Orleans.Partisan.Protocols.Broadcast;

namespace Orleans.Partisan.Tests.Protocols.Broadcast;

/// <summary>Names, cores and effect queries for the broadcast core tests.</summary>
internal static class BroadcastTestKit
{
    public const string Handler = "kv";

    public static NodeName Name(int i) => new($"n{i}");

    /// <summary>A Plumtree core of node <paramref name="self"/> with <paramref name="neighbours"/> up.</summary>
    public static PlumtreeCore Plumtree(int self, PlumtreeOptions? options = null, int seed = 1, params int[] neighbours)
    {
        var core = new PlumtreeCore(Name(self), options ?? new PlumtreeOptions(), new Random(seed));
        core.Start();
        foreach (var neighbour in neighbours)
        {
            core.NeighborUp(Name(neighbour));
        }

        return core;
    }

    public static BroadcastGossip Gossip(string id, int root, int round, string handler = Handler) => new(handler, id, "payload-" + id, Name(root), round);

    public static BroadcastIHave IHave(params (string Id, int Root, int Round)[] announcements)
        => new(Handler, [.. announcements.Select(a => new BroadcastAnnouncement(a.Id, Name(a.Root), a.Round))]);

    /// <summary>The messages of type <typeparamref name="T"/> sent, with their recipients.</summary>
    public static List<(NodeName To, T Message)> Sent<T>(this IEnumerable<BroadcastEffect> effects)
        where T : IBroadcastMessage
        => [.. effects.OfType<BroadcastSendEffect>().Where(s => s.Message is T).Select(s => (s.To, (T)s.Message))];

    /// <summary>The recipients of messages of type <typeparamref name="T"/>, ordered.</summary>
    public static List<NodeName> SentTo<T>(this IEnumerable<BroadcastEffect> effects)
        where T : IBroadcastMessage
        => [.. effects.Sent<T>().Select(s => s.To).Order()];

    /// <summary>The effects but the arming of the lazy and forget ticks (armed by any call that queues or remembers something).</summary>
    public static List<BroadcastEffect> WithoutTicks(this IEnumerable<BroadcastEffect> effects)
        => [.. effects.Where(e => e is not BroadcastTimerEffect { Timer: PlumtreeTimer.LazyTick or PlumtreeTimer.Forget })];

    public static List<NodeName> Names(params int[] nodes) => [.. nodes.Select(Name).Order()];

    /// <summary>A gossip arrives from <paramref name="from"/> and the handler calls it new; the effects of both steps.</summary>
    public static List<BroadcastEffect> Receive(this PlumtreeCore core, int from, BroadcastGossip gossip, bool isNew = true)
    {
        var effects = core.Handle(Name(from), gossip).ToList();
        if (effects.OfType<MergeEffect>().SingleOrDefault() is { } merge)
        {
            effects.AddRange(core.Merged(merge.From, merge.Gossip, isNew));
        }

        return effects;
    }

    /// <summary>An IHAVE arrives and every stale check it asks is answered <paramref name="isStale"/>; the effects of both steps.</summary>
    public static List<BroadcastEffect> Announce(this PlumtreeCore core, int from, BroadcastIHave ihave, bool isStale = false)
    {
        var effects = core.Handle(Name(from), ihave).ToList();
        foreach (var check in effects.OfType<CheckStaleEffect>().ToList())
        {
            effects.AddRange(core.StaleChecked(check.From, check.Handler, check.Announcement, isStale));
        }

        return effects;
    }

    /// <summary>The links of <paramref name="root"/>'s tree at <paramref name="core"/>.</summary>
    public static BroadcastTreeLinks Tree(this PlumtreeCore core, int root)
        => core.TreeOf(Name(root)) ?? throw new InvalidOperationException($"{core.Self} keeps no tree of {Name(root)}");
}

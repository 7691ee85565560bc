using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.Broadcast;
using static Orleans.Partisan.Tests.Protocols.Broadcast.BroadcastTestKit;

namespace Orleans.Partisan.Tests.Protocols.Broadcast;

/// <summary>Nothing grows without bound: remembered identities, missing messages, queued announcements, trees.</summary>
public sealed class PlumtreeMemoryTests
{
    [Fact]
    public void Delivered_identities_are_forgotten_after_the_retention_ticks_and_then_the_handler_is_asked()
    {
        // Retention 6 lazy ticks: the forget tick comes every 2, and an identity is stamped with the next one's clock,
        // so it is kept at least 6 intervals and forgotten at the fourth forget tick after it came.
        var core = Plumtree(0, new PlumtreeOptions { MessageIdRetentionTicks = 6 }, neighbours: [1, 2]);
        core.Receive(1, Gossip("m", root: 9, round: 1));

        core.OnTimer(PlumtreeTimer.Forget.Instance);
        core.OnTimer(PlumtreeTimer.Forget.Instance);
        core.OnTimer(PlumtreeTimer.Forget.Instance);
        Assert.Equal(1, core.RememberedCount);
        Assert.DoesNotContain(core.Handle(Name(2), Gossip("m", root: 9, round: 2)), e => e is MergeEffect);

        core.OnTimer(PlumtreeTimer.Forget.Instance);
        Assert.Equal(0, core.RememberedCount);
        Assert.Contains(core.Handle(Name(2), Gossip("m", root: 9, round: 2)), e => e is MergeEffect);
        Assert.IsType<CheckStaleEffect>(Assert.Single(core.Handle(Name(1), IHave(("m2", 9, 1))), e => e is not BroadcastTimerEffect));
    }

    [Fact]
    public void Many_identities_keep_the_memory_at_its_maximum_oldest_forgotten_first()
    {
        var core = Plumtree(0, new PlumtreeOptions { MaxRememberedMessageIds = 100 }, neighbours: [1]);
        for (var i = 0; i < 10_000; i++)
        {
            core.Receive(1, Gossip($"m{i}", root: 9, round: 1));
            Assert.True(core.RememberedCount <= 100, $"{core.RememberedCount} identities remembered after {i + 1} messages");
        }

        Assert.Equal(100, core.RememberedCount);
        Assert.Contains(core.Handle(Name(1), Gossip("m0", root: 9, round: 1)), e => e is MergeEffect);
        Assert.Single(core.Handle(Name(1), Gossip("m9999", root: 9, round: 1)).Sent<BroadcastPrune>());
    }

    [Fact]
    public void Many_missing_messages_stay_bounded_and_the_forgotten_ones_timers_are_cancelled()
    {
        var core = Plumtree(0, new PlumtreeOptions { MaxRememberedMessageIds = 50 }, neighbours: [1]);
        var armed = new List<CoreTimer>();
        var cancelled = new HashSet<CoreTimer>();
        for (var i = 0; i < 5_000; i++)
        {
            var effects = core.Announce(1, IHave(($"m{i}", 9, 1)));
            armed.AddRange(effects.OfType<BroadcastTimerEffect>().Where(t => t.Timer is PlumtreeTimer.Graft).Select(t => t.Timer));
            cancelled.UnionWith(effects.OfType<CancelBroadcastTimerEffect>().Select(t => t.Timer));
            Assert.True(core.MissingCount <= 50, $"{core.MissingCount} missing messages kept after {i + 1} announcements");
        }

        Assert.Equal(50, core.MissingCount);
        Assert.Equal(50, core.GraftTimerCount);
        Assert.Equal(armed.Count - 50, cancelled.Count);
        Assert.Empty(core.OnTimer(armed[0]));
    }

    [Fact]
    public void Missing_messages_are_forgotten_after_the_retention_ticks()
    {
        var core = Plumtree(0, new PlumtreeOptions { MessageIdRetentionTicks = 2 }, neighbours: [1]);
        var timer = Assert.Single(core.Announce(1, IHave(("m", 9, 1))).OfType<BroadcastTimerEffect>(), t => t.Timer is PlumtreeTimer.Graft).Timer;

        core.OnTimer(PlumtreeTimer.Forget.Instance);
        core.OnTimer(PlumtreeTimer.Forget.Instance);
        Assert.Equal(1, core.MissingCount);
        Assert.Contains(new CancelBroadcastTimerEffect(timer), core.OnTimer(PlumtreeTimer.Forget.Instance));
        Assert.Equal(0, core.MissingCount);
        Assert.Equal(0, core.GraftTimerCount);
    }

    [Fact]
    public void A_full_IHAVE_batch_goes_out_at_once()
    {
        var core = Plumtree(0, new PlumtreeOptions { MaxAnnouncementsPerIHave = 10 }, neighbours: [1, 2]);
        core.Broadcast(Handler, "first", "v");
        core.Handle(Name(2), new BroadcastPrune(Name(0)));
        var sent = new List<BroadcastIHave>();
        for (var i = 0; i < 95; i++)
        {
            sent.AddRange(core.Broadcast(Handler, $"m{i}", "v").Sent<BroadcastIHave>().Select(s => s.Message));
            Assert.True(core.QueuedAnnouncements < 10, $"{core.QueuedAnnouncements} announcements queued");
        }

        Assert.Equal(9, sent.Count);
        Assert.All(sent, ihave => Assert.Equal(10, ihave.Announcements.Length));
        var rest = Assert.Single(core.OnTimer(PlumtreeTimer.LazyTick.Instance).Sent<BroadcastIHave>()).Message;
        Assert.Equal(5, rest.Announcements.Length);
    }

    [Fact]
    public void Trees_beyond_the_maximum_forget_the_least_recently_used()
    {
        var core = Plumtree(0, new PlumtreeOptions { MaxTrees = 3 }, neighbours: [1]);
        core.Receive(1, Gossip("a", root: 7, round: 1));
        core.Receive(1, Gossip("b", root: 8, round: 1));
        core.Receive(1, Gossip("c", root: 9, round: 1));
        core.Receive(1, Gossip("d", root: 7, round: 1));   // 7 used again: 8 is now the least recent

        core.Receive(1, Gossip("e", root: 6, round: 1));

        Assert.Equal(3, core.TreeCount);
        Assert.Equal(Names(6, 7, 9), core.Trees().Select(t => t.Root).ToList());
    }
}

using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.Broadcast;
using static Orleans.Partisan.Tests.Protocols.Broadcast.BroadcastTestKit;

namespace Orleans.Partisan.Tests.Protocols.Broadcast;

/// <summary>Tree repair: IHAVE of a missing message, the stale check, the two graft timers, and neighbours going down (SRDS 2007 §3.5, §3.9).</summary>
public sealed class PlumtreeRepairTests
{
    private static readonly PlumtreeOptions Options = new()
    {
        GraftTimeout = TimeSpan.FromMilliseconds(800),
        SecondGraftTimeout = TimeSpan.FromMilliseconds(300),
    };

    private static CoreTimer GraftTimer(IEnumerable<BroadcastEffect> effects)
        => Assert.Single(effects.OfType<BroadcastTimerEffect>(), t => t.Timer is PlumtreeTimer.Graft).Timer;

    [Fact]
    public void An_IHAVE_of_an_unknown_message_asks_the_handler_first_and_grafts_nothing_before_the_timeout()
    {
        var core = Plumtree(0, Options, neighbours: [1, 2]);
        var ihave = IHave(("m", 9, 3));
        var handled = core.Handle(Name(1), ihave);
        var check = Assert.IsType<CheckStaleEffect>(Assert.Single(handled.WithoutTicks()));
        Assert.Equal((Name(1), Handler, "m"), (check.From, check.Handler, (string)check.Announcement.MessageId));

        var checkedEffects = core.StaleChecked(check.From, check.Handler, check.Announcement, isStale: false);
        var timer = Assert.Single(checkedEffects.OfType<BroadcastTimerEffect>(), t => t.Timer is PlumtreeTimer.Graft);
        Assert.Equal(TimeSpan.FromMilliseconds(800), timer.Due);
        Assert.False(timer.Periodic);
        Assert.IsType<PlumtreeTimer.Graft>(timer.Timer);
        Assert.Empty(checkedEffects.Sent<BroadcastGraft>());

        // More announcements and ticks before the timer fires graft nothing either.
        Assert.Empty(core.Announce(2, ihave).Sent<BroadcastGraft>());
        Assert.Empty(core.OnTimer(PlumtreeTimer.LazyTick.Instance).Sent<BroadcastGraft>());

        var fired = core.OnTimer(timer.Timer);
        var (to, graft) = Assert.Single(fired.Sent<BroadcastGraft>());
        Assert.Equal((Name(1), "m", Name(9), 3, false), (to, (string)graft.MessageId, graft.Root, graft.Round, graft.LinkOnly));
        Assert.Contains(Name(1), core.Tree(9).Eager);
        Assert.Equal(new BroadcastTimerEffect(timer.Timer, TimeSpan.FromMilliseconds(300), Periodic: false), Assert.Single(fired.OfType<BroadcastTimerEffect>(), t => t.Timer is PlumtreeTimer.Graft));
    }

    [Fact]
    public void The_second_timer_grafts_the_next_announcer_in_the_order_they_announced()
    {
        var core = Plumtree(0, Options, neighbours: [1, 2, 3]);
        var timer = GraftTimer(core.Announce(2, IHave(("m", 9, 4))));
        core.Announce(3, IHave(("m", 9, 2)));
        core.Announce(1, IHave(("m", 9, 5)));
        core.Announce(3, IHave(("m", 9, 2)));   // a repeat is not a new announcer

        Assert.Equal(Name(2), Assert.Single(core.OnTimer(timer).Sent<BroadcastGraft>()).To);
        var second = core.OnTimer(timer);
        var (to, graft) = Assert.Single(second.Sent<BroadcastGraft>());
        Assert.Equal((Name(3), 2), (to, graft.Round));
        Assert.Equal(Name(1), Assert.Single(core.OnTimer(timer).Sent<BroadcastGraft>()).To);

        // Every announcer tried: no timer runs until a new announcement comes, which starts the first timer again.
        var exhausted = core.OnTimer(timer);
        Assert.Empty(exhausted);
        var again = core.Announce(3, IHave(("m", 9, 2)));
        Assert.Empty(again.Sent<BroadcastGraft>());
        Assert.Equal(TimeSpan.FromMilliseconds(800), Assert.Single(again.OfType<BroadcastTimerEffect>(), t => t.Timer is PlumtreeTimer.Graft).Due);
        Assert.Equal(Name(3), Assert.Single(core.OnTimer(timer).Sent<BroadcastGraft>()).To);
    }

    [Fact]
    public void A_stale_message_is_not_grafted_and_later_announcements_of_it_ask_nothing()
    {
        var core = Plumtree(0, Options, neighbours: [1, 2]);
        var effects = core.Announce(1, IHave(("m", 9, 3)), isStale: true);

        Assert.DoesNotContain(effects, e => e is BroadcastTimerEffect { Timer: PlumtreeTimer.Graft });
        Assert.Equal(0, core.MissingCount);
        Assert.Empty(core.Handle(Name(2), IHave(("m", 9, 3))));
    }

    [Fact]
    public void The_message_arriving_by_the_tree_cancels_the_timer()
    {
        var core = Plumtree(0, Options, neighbours: [1, 2]);
        var timer = GraftTimer(core.Announce(1, IHave(("m", 9, 3))));

        var arrived = core.Handle(Name(2), Gossip("m", root: 9, round: 3));
        Assert.Contains(new CancelBroadcastTimerEffect(timer), arrived);
        Assert.Contains(arrived, e => e is MergeEffect);
        Assert.Equal(0, core.MissingCount);
        Assert.Empty(core.OnTimer(timer));
    }

    [Fact]
    public void The_answer_to_a_graft_is_no_duplicate_even_when_the_message_came_by_the_tree_first()
    {
        var core = Plumtree(0, Options, neighbours: [1, 2]);
        var timer = GraftTimer(core.Announce(1, IHave(("m", 9, 3))));
        core.OnTimer(timer);                                         // GRAFT to 1
        core.Receive(2, Gossip("m", root: 9, round: 4));              // the tree delivers it first

        var answer = core.Handle(Name(1), Gossip("m", root: 9, round: 3));
        Assert.Empty(answer);
        Assert.Contains(Name(1), core.Tree(9).Eager);

        // A second copy from the same node is a duplicate again.
        Assert.Single(core.Handle(Name(1), Gossip("m", root: 9, round: 3)).Sent<BroadcastPrune>());
    }

    [Fact]
    public void A_graft_answer_the_handler_calls_old_prunes_nothing()
    {
        var core = Plumtree(0, Options, neighbours: [1, 2]);
        var timer = GraftTimer(core.Announce(1, IHave(("m", 9, 3))));
        core.OnTimer(timer);

        var effects = core.Receive(1, Gossip("m", root: 9, round: 3), isNew: false);
        Assert.Empty(effects.Sent<BroadcastPrune>());
        Assert.Contains(Name(1), core.Tree(9).Eager);
    }

    [Fact]
    public void A_lost_neighbour_leaves_every_tree_and_its_queued_announcements_are_dropped()
    {
        var core = Plumtree(0, Options, neighbours: [1, 2, 3]);
        core.Receive(1, Gossip("a", root: 7, round: 1));
        core.Handle(Name(3), new BroadcastPrune(Name(7)));
        core.Receive(1, Gossip("b", root: 7, round: 1));            // queues an announcement for 3
        core.Broadcast(Handler, "c", "v");
        Assert.Equal(1, core.QueuedAnnouncements);

        core.NeighborDown(Name(3));

        Assert.Equal(0, core.QueuedAnnouncements);
        Assert.DoesNotContain(core.Trees(), t => t.Eager.Contains(Name(3)) || t.Lazy.Contains(Name(3)));
        Assert.Empty(core.OnTimer(PlumtreeTimer.LazyTick.Instance).Sent<BroadcastIHave>());
    }

    [Fact]
    public void A_new_neighbour_is_eager_in_every_tree()
    {
        var core = Plumtree(0, Options, neighbours: [1]);
        core.Receive(1, Gossip("a", root: 7, round: 1));
        core.Broadcast(Handler, "b", "v");

        core.NeighborUp(Name(4));

        Assert.All(core.Trees(), t => Assert.Contains(Name(4), t.Eager));
        Assert.Equal(Names(1, 4), core.Broadcast(Handler, "c", "v").SentTo<BroadcastGossip>());
    }

    [Fact]
    public void Losing_the_neighbour_just_grafted_grafts_the_next_announcer_at_once()
    {
        var core = Plumtree(0, Options, neighbours: [1, 2, 3]);
        var timer = GraftTimer(core.Announce(1, IHave(("m", 9, 3))));
        core.Announce(2, IHave(("m", 9, 4)));
        core.Announce(3, IHave(("m", 9, 5)));
        Assert.Equal(Name(1), Assert.Single(core.OnTimer(timer).Sent<BroadcastGraft>()).To);

        var rerouted = core.NeighborDown(Name(1));
        Assert.Equal(Name(2), Assert.Single(rerouted.Sent<BroadcastGraft>()).To);
        Assert.Equal(new BroadcastTimerEffect(timer, TimeSpan.FromMilliseconds(300), Periodic: false), Assert.Single(rerouted.OfType<BroadcastTimerEffect>(), t => t.Timer is PlumtreeTimer.Graft));
    }

    [Fact]
    public void Losing_a_pending_announcer_strikes_it_and_the_timer_grafts_another()
    {
        var core = Plumtree(0, Options, neighbours: [1, 2]);
        var timer = GraftTimer(core.Announce(1, IHave(("m", 9, 3))));
        core.Announce(2, IHave(("m", 9, 4)));

        Assert.Empty(core.NeighborDown(Name(1)));
        Assert.Equal(Name(2), Assert.Single(core.OnTimer(timer).Sent<BroadcastGraft>()).To);
    }

    [Fact]
    public void Losing_the_last_announcer_while_grafting_cancels_the_timer()
    {
        var core = Plumtree(0, Options, neighbours: [1, 2]);
        var timer = GraftTimer(core.Announce(1, IHave(("m", 9, 3))));
        core.OnTimer(timer);

        Assert.Equal([new CancelBroadcastTimerEffect(timer)], core.NeighborDown(Name(1)));
        Assert.Equal(1, core.MissingCount);

        // Another announcer restarts the repair.
        var again = core.Announce(2, IHave(("m", 9, 3)));
        Assert.Equal(TimeSpan.FromMilliseconds(800), Assert.Single(again.OfType<BroadcastTimerEffect>(), t => t.Timer is PlumtreeTimer.Graft).Due);
    }
}

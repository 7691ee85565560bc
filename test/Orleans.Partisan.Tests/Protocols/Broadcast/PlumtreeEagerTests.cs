using Orleans.Partisan.Protocols.Broadcast;
using static Orleans.Partisan.Tests.Protocols.Broadcast.BroadcastTestKit;

namespace Orleans.Partisan.Tests.Protocols.Broadcast;

/// <summary>Eager push, duplicates and PRUNE, and the lazy tick's batched IHAVEs (SRDS 2007 §3.4, §3.6).</summary>
public sealed class PlumtreeEagerTests
{
    [Fact]
    public void Start_arms_the_exchange_and_the_ticks_are_armed_only_when_there_is_work()
    {
        var options = new PlumtreeOptions { LazyTickInterval = TimeSpan.FromMilliseconds(300), ExchangeInterval = TimeSpan.FromSeconds(7), MessageIdRetentionTicks = 9 };
        var core = new PlumtreeCore(Name(0), options, new Random(1));
        var effects = core.Start();
        Assert.Equal([new BroadcastTimerEffect(PlumtreeTimer.Exchange.Instance, TimeSpan.FromSeconds(7), Periodic: true)], effects);
        core.NeighborUp(Name(1));
        core.NeighborUp(Name(2));
        core.Handle(Name(2), new BroadcastPrune(Name(0)));

        // The first identity remembered arms the forget tick (a third of the retention); the first announcement queued, the one-shot lazy tick.
        var first = core.Broadcast(Handler, "a", "v");
        Assert.Contains(new BroadcastTimerEffect(PlumtreeTimer.Forget.Instance, TimeSpan.FromMilliseconds(900), Periodic: true), first);
        Assert.Contains(new BroadcastTimerEffect(PlumtreeTimer.LazyTick.Instance, TimeSpan.FromMilliseconds(300), Periodic: false), first);
        Assert.Empty(core.Broadcast(Handler, "b", "v").OfType<BroadcastTimerEffect>());

        // The tick sends the batch; with nothing queued it is not armed again.
        Assert.Single(core.OnTimer(PlumtreeTimer.LazyTick.Instance).Sent<BroadcastIHave>());
        Assert.Empty(core.Merged(Name(1), Gossip("c", root: 9, round: 1), isNew: false).OfType<BroadcastTimerEffect>());
    }

    [Fact]
    public void The_forget_tick_stops_when_nothing_is_remembered()
    {
        var core = Plumtree(0, new PlumtreeOptions { MessageIdRetentionTicks = 3 }, neighbours: [1]);
        core.Broadcast(Handler, "a", "v");
        Assert.DoesNotContain(core.OnTimer(PlumtreeTimer.Forget.Instance), e => e is CancelBroadcastTimerEffect);
        Assert.DoesNotContain(core.OnTimer(PlumtreeTimer.Forget.Instance), e => e is CancelBroadcastTimerEffect);
        Assert.DoesNotContain(core.OnTimer(PlumtreeTimer.Forget.Instance), e => e is CancelBroadcastTimerEffect);
        Assert.Contains(new CancelBroadcastTimerEffect(PlumtreeTimer.Forget.Instance), core.OnTimer(PlumtreeTimer.Forget.Instance));
        Assert.Equal(0, core.RememberedCount);
        Assert.Contains(new BroadcastTimerEffect(PlumtreeTimer.Forget.Instance, TimeSpan.FromSeconds(1), Periodic: true), core.Broadcast(Handler, "b", "v"));
    }

    [Fact]
    public void A_broadcast_goes_to_every_neighbour_with_round_one()
    {
        var core = Plumtree(0, neighbours: [1, 2, 3]);
        var effects = core.Broadcast(Handler, "m1", "v");

        var sent = effects.Sent<BroadcastGossip>();
        Assert.Equal(Names(1, 2, 3), effects.SentTo<BroadcastGossip>());
        Assert.All(sent, s => Assert.Equal((Name(0), 1, "m1"), (s.Message.Root, s.Message.Round, (string)s.Message.MessageId)));
        Assert.Equal(Names(1, 2, 3), core.Tree(0).Eager);
    }

    [Fact]
    public void A_new_message_is_merged_then_forwarded_to_the_eager_peers_but_the_sender_with_the_next_round()
    {
        var core = Plumtree(5, neighbours: [1, 2, 3]);
        var handled = core.Handle(Name(1), Gossip("m", root: 9, round: 4));
        var merge = Assert.IsType<MergeEffect>(Assert.Single(handled.WithoutTicks()));
        Assert.Equal(Name(1), merge.From);

        var forwarded = core.Merged(merge.From, merge.Gossip, isNew: true);
        Assert.Equal(Names(2, 3), forwarded.SentTo<BroadcastGossip>());
        Assert.All(forwarded.Sent<BroadcastGossip>(), s => Assert.Equal(5, s.Message.Round));
        Assert.Contains(Name(1), core.Tree(9).Eager);
    }

    [Fact]
    public void A_message_the_handler_calls_old_is_not_forwarded_and_prunes_its_sender()
    {
        var core = Plumtree(5, neighbours: [1, 2]);
        var effects = core.Receive(1, Gossip("m", root: 9, round: 2), isNew: false);

        Assert.Empty(effects.Sent<BroadcastGossip>());
        Assert.Equal([(Name(1), new BroadcastPrune(Name(9)))], effects.Sent<BroadcastPrune>());
        Assert.Equal(Names(1), core.Tree(9).Lazy);
    }

    [Fact]
    public void A_duplicate_prunes_its_sender_without_asking_the_handler()
    {
        var core = Plumtree(5, neighbours: [1, 2, 3]);
        core.Receive(1, Gossip("m", root: 9, round: 2));

        var duplicate = core.Handle(Name(2), Gossip("m", root: 9, round: 3));
        Assert.DoesNotContain(duplicate, e => e is MergeEffect);
        Assert.Equal([(Name(2), new BroadcastPrune(Name(9)))], duplicate.Sent<BroadcastPrune>());
        Assert.Equal(Names(2), core.Tree(9).Lazy);
        Assert.Equal(Names(1, 3), core.Tree(9).Eager);

        // The next message of that root is pushed to the eager peers only, and announced to the pruned one.
        var next = core.Receive(1, Gossip("m2", root: 9, round: 2));
        Assert.Equal(Names(3), next.SentTo<BroadcastGossip>());
        Assert.Equal(1, core.QueuedAnnouncements);
    }

    [Fact]
    public void A_prune_moves_its_sender_to_lazy_in_that_roots_tree_only()
    {
        var core = Plumtree(0, neighbours: [1, 2]);
        core.Receive(1, Gossip("a", root: 7, round: 1));
        core.Receive(2, Gossip("b", root: 8, round: 1));

        core.Handle(Name(2), new BroadcastPrune(Name(7)));

        Assert.Equal(Names(2), core.Tree(7).Lazy);
        Assert.Empty(core.Tree(8).Lazy);
        Assert.Equal(Names(1, 2), core.Tree(8).Eager);
    }

    [Fact]
    public void Announcements_wait_for_the_lazy_tick_and_go_in_one_IHAVE_per_neighbour_and_handler()
    {
        var core = Plumtree(0, neighbours: [1, 2, 3]);
        core.Handle(Name(3), new BroadcastPrune(Name(0)));
        core.Handle(Name(2), new BroadcastPrune(Name(0)));

        var first = core.Broadcast(Handler, "a", "v");
        var second = core.Broadcast(Handler, "b", "v");
        var other = core.Broadcast("other", "c", "v");
        Assert.Empty(first.Sent<BroadcastIHave>());
        Assert.Empty(second.Sent<BroadcastIHave>());
        Assert.Empty(other.Sent<BroadcastIHave>());

        var tick = core.OnTimer(PlumtreeTimer.LazyTick.Instance).Sent<BroadcastIHave>();
        Assert.Equal(4, tick.Count);
        var toTwo = tick.Where(s => s.To == Name(2)).ToDictionary(s => s.Message.Handler, s => s.Message.Announcements.Select(a => (string)a.MessageId).ToList());
        Assert.Equal(["a", "b"], toTwo[Handler]);
        Assert.Equal(["c"], toTwo["other"]);
        Assert.All(tick.SelectMany(s => s.Message.Announcements), a => Assert.Equal((Name(0), 1), (a.Root, a.Round)));

        Assert.Empty(core.OnTimer(PlumtreeTimer.LazyTick.Instance).Sent<BroadcastIHave>());
    }

    [Fact]
    public void A_graft_makes_the_requester_eager_and_asks_the_handler_for_the_payload_which_goes_back_with_the_grafts_round()
    {
        var core = Plumtree(0, neighbours: [1, 2]);
        core.Receive(1, Gossip("m", root: 9, round: 1));
        core.Handle(Name(2), new BroadcastPrune(Name(9)));

        var graft = new BroadcastGraft(Handler, "m", Name(9), 2);
        var effects = core.Handle(Name(2), graft);
        Assert.Equal(new GraftPayloadEffect(Name(2), graft), Assert.Single(effects));
        Assert.Contains(Name(2), core.Tree(9).Eager);

        var answer = core.GraftAnswered(Name(2), graft, "payload");
        var (to, gossip) = Assert.Single(answer.Sent<BroadcastGossip>());
        Assert.Equal((Name(2), "m", 2, Name(9), "payload"), (to, (string)gossip.MessageId, gossip.Round, gossip.Root, (string)gossip.Payload));
        Assert.Empty(core.GraftAnswered(Name(2), graft, payload: null));
    }

    [Fact]
    public void A_link_only_graft_makes_the_requester_eager_without_asking_for_a_payload()
    {
        var core = Plumtree(0, neighbours: [1, 2]);
        core.Handle(Name(2), new BroadcastPrune(Name(9)));
        var effects = core.Handle(Name(2), new BroadcastGraft(Handler, "m", Name(9), 2) { LinkOnly = true });

        Assert.Empty(effects);
        Assert.Contains(Name(2), core.Tree(9).Eager);
    }

    [Fact]
    public void Messages_about_links_from_a_node_that_is_not_a_neighbour_change_nothing()
    {
        var core = Plumtree(0, neighbours: [1]);
        Assert.Empty(core.Handle(Name(4), new BroadcastGraft(Handler, "m", Name(0), 1)));
        Assert.Empty(core.Handle(Name(4), IHave(("x", 9, 1))));
        core.Handle(Name(4), new BroadcastPrune(Name(0)));
        Assert.Equal(0, core.MissingCount);
        Assert.DoesNotContain(core.Trees(), t => t.Eager.Contains(Name(4)) || t.Lazy.Contains(Name(4)));
    }

    [Fact]
    public void Trees_are_listed_by_root()
    {
        var core = Plumtree(0, neighbours: [1]);
        core.Receive(1, Gossip("a", root: 8, round: 1));
        core.Receive(1, Gossip("b", root: 2, round: 1));
        core.Broadcast(Handler, "c", "v");

        Assert.Equal(Names(0, 2, 8), core.Trees().Select(t => t.Root).ToList());
    }
}

using Orleans.Partisan.Protocols.Broadcast;
using static Orleans.Partisan.Tests.Protocols.Broadcast.BroadcastTestKit;

namespace Orleans.Partisan.Tests.Protocols.Broadcast;

/// <summary>The tree optimisation (SRDS 2007 §3.7): a lazy path at least the threshold shorter replaces the parent.</summary>
public sealed class PlumtreeOptimisationTests
{
    [Fact]
    public void A_late_IHAVE_over_a_path_threshold_hops_shorter_swaps_the_parent()
    {
        var core = Plumtree(0, new PlumtreeOptions { OptimizationThreshold = 3 }, neighbours: [1, 2]);
        core.Receive(1, Gossip("m", root: 9, round: 6));
        core.Handle(Name(2), new BroadcastPrune(Name(9)));
        Assert.Equal(Names(2), core.Tree(9).Lazy);

        var effects = core.Announce(2, IHave(("m", 9, 3)));

        var (to, graft) = Assert.Single(effects.Sent<BroadcastGraft>());
        Assert.Equal((Name(2), true, 3), (to, graft.LinkOnly, graft.Round));
        Assert.Equal([(Name(1), new BroadcastPrune(Name(9)))], effects.Sent<BroadcastPrune>());
        Assert.Equal(Names(2), core.Tree(9).Eager);
        Assert.Equal(Names(1), core.Tree(9).Lazy);

        // The new path is the one compared next: the same announcement does not swap again.
        Assert.Empty(core.Announce(2, IHave(("m", 9, 3))));
    }

    [Fact]
    public void A_path_less_than_threshold_hops_shorter_changes_nothing()
    {
        var core = Plumtree(0, new PlumtreeOptions { OptimizationThreshold = 3 }, neighbours: [1, 2]);
        core.Receive(1, Gossip("m", root: 9, round: 5));

        Assert.Empty(core.Announce(2, IHave(("m", 9, 3))));
        Assert.Contains(Name(1), core.Tree(9).Eager);
    }

    [Fact]
    public void A_threshold_of_zero_turns_the_optimisation_off()
    {
        var core = Plumtree(0, new PlumtreeOptions { OptimizationThreshold = 0 }, neighbours: [1, 2]);
        core.Receive(1, Gossip("m", root: 9, round: 20));

        Assert.Empty(core.Announce(2, IHave(("m", 9, 1))));
    }

    [Fact]
    public void A_gossip_arriving_over_a_path_much_longer_than_an_earlier_announcement_swaps_the_parent_and_is_not_pushed_back()
    {
        var core = Plumtree(0, new PlumtreeOptions { OptimizationThreshold = 2 }, neighbours: [1, 2, 3]);
        core.Announce(2, IHave(("m", 9, 2)));

        var effects = core.Receive(1, Gossip("m", root: 9, round: 5));

        var (to, graft) = Assert.Single(effects.Sent<BroadcastGraft>());
        Assert.Equal((Name(2), true), (to, graft.LinkOnly));
        Assert.Equal([(Name(1), new BroadcastPrune(Name(9)))], effects.Sent<BroadcastPrune>());
        Assert.Equal(Names(3), effects.SentTo<BroadcastGossip>());
        Assert.Equal(Names(2, 3), core.Tree(9).Eager);
        Assert.Equal(Names(1), core.Tree(9).Lazy);
    }

    [Fact]
    public void The_root_never_swaps_a_parent()
    {
        var core = Plumtree(0, new PlumtreeOptions { OptimizationThreshold = 1 }, neighbours: [1]);
        core.Broadcast(Handler, "m", "v");

        Assert.Empty(core.Announce(1, IHave(("m", 0, 2))));
    }
}

using Orleans.Partisan.Protocols.Broadcast;
using static Orleans.Partisan.Tests.Protocols.Broadcast.BroadcastTestKit;

namespace Orleans.Partisan.Tests.Protocols.Broadcast;

/// <summary>Eager flooding, the baseline: every new message to every neighbour but its sender.</summary>
public sealed class FloodCoreTests
{
    private static FloodCore Flood(int self, params int[] neighbours)
    {
        var core = new FloodCore(Name(self), new PlumtreeOptions { MessageIdRetentionTicks = 2 }, new Random(3));
        foreach (var neighbour in neighbours)
        {
            core.NeighborUp(Name(neighbour));
        }

        return core;
    }

    [Fact]
    public void A_broadcast_goes_to_every_neighbour_and_a_new_message_to_every_neighbour_but_its_sender()
    {
        var core = Flood(0, 1, 2, 3);
        Assert.Equal(Names(1, 2, 3), core.Broadcast(Handler, "a", "v").SentTo<BroadcastGossip>());

        var merge = Assert.IsType<MergeEffect>(Assert.Single(core.Handle(Name(2), Gossip("b", root: 9, round: 4))));
        var forwarded = core.Merged(merge.From, merge.Gossip, isNew: true);
        Assert.Equal(Names(1, 3), forwarded.SentTo<BroadcastGossip>());
        Assert.All(forwarded.Sent<BroadcastGossip>(), s => Assert.Equal(5, s.Message.Round));
    }

    [Fact]
    public void A_copy_is_dropped_without_a_prune_and_an_old_message_is_not_forwarded()
    {
        var core = Flood(0, 1, 2);
        core.Handle(Name(1), Gossip("b", root: 9, round: 1));
        Assert.Empty(core.Handle(Name(2), Gossip("b", root: 9, round: 1)));

        var merge = Assert.IsType<MergeEffect>(Assert.Single(core.Handle(Name(1), Gossip("c", root: 9, round: 1))));
        Assert.Empty(core.Merged(merge.From, merge.Gossip, isNew: false));
    }

    [Fact]
    public void Identities_are_forgotten_after_the_retention_ticks()
    {
        var core = Flood(0, 1);
        core.Handle(Name(1), Gossip("b", root: 9, round: 1));
        core.OnTimer(FloodTimer.Forget.Instance);
        Assert.Empty(core.Handle(Name(1), Gossip("b", root: 9, round: 1)));
        core.OnTimer(FloodTimer.Forget.Instance);
        Assert.Equal(0, core.RememberedCount);
        Assert.Single(core.Handle(Name(1), Gossip("b", root: 9, round: 1)));
    }

    [Fact]
    public void The_exchange_prefers_a_member_that_is_not_a_neighbour()
    {
        var core = Flood(0, 1, 2);
        core.MembersChanged(Names(0, 1, 2, 3));
        var peers = Enumerable.Range(0, 20).SelectMany(_ => core.OnTimer(FloodTimer.Exchange.Instance)).OfType<ExchangeEffect>().Select(e => e.Peer).Distinct().ToList();
        Assert.Equal(Names(3), peers);
    }

    [Fact]
    public void A_lost_neighbour_gets_nothing_more()
    {
        var core = Flood(0, 1, 2);
        core.NeighborDown(Name(2));
        Assert.Equal(Names(1), core.Broadcast(Handler, "a", "v").SentTo<BroadcastGossip>());
        Assert.Equal(Names(1), Assert.Single(core.Trees()).Eager);
    }
}

using Orleans.Partisan.Protocols.Broadcast;
using static Orleans.Partisan.Tests.Protocols.Broadcast.BroadcastTestKit;

namespace Orleans.Partisan.Tests.Protocols.Broadcast;

/// <summary>The anti-entropy tick: one exchange per interval, preferring a member outside this node's own tree.</summary>
public sealed class PlumtreeExchangeTests
{
    private static List<NodeName> Exchanges(PlumtreeCore core, int ticks)
        => [.. Enumerable.Range(0, ticks).SelectMany(_ => core.OnTimer(PlumtreeTimer.Exchange.Instance)).OfType<ExchangeEffect>().Select(e => e.Peer)];

    [Fact]
    public void Without_members_no_exchange_happens()
    {
        var core = Plumtree(0, neighbours: [1]);
        Assert.Empty(core.OnTimer(PlumtreeTimer.Exchange.Instance));
    }

    [Fact]
    public void The_exchange_prefers_members_that_are_not_eager_peers_of_the_own_tree()
    {
        var core = Plumtree(0, neighbours: [1, 2, 3]);
        core.MembersChanged(Names(0, 1, 2, 3, 4, 5));

        // Before any broadcast of its own every neighbour would be eager: members outside are 4 and 5.
        var before = Exchanges(core, 60);
        Assert.Equal(Names(4, 5), before.Distinct().Order().ToList());

        // Once its tree has pruned neighbours, those lazy neighbours are outside the tree too.
        core.Broadcast(Handler, "m", "v");
        core.Handle(Name(2), new BroadcastPrune(Name(0)));
        var after = Exchanges(core, 90);
        Assert.Equal(Names(2, 4, 5), after.Distinct().Order().ToList());
    }

    [Fact]
    public void When_every_member_is_an_eager_peer_any_member_but_itself_is_chosen()
    {
        var core = Plumtree(0, neighbours: [1, 2]);
        core.MembersChanged(Names(0, 1, 2));

        Assert.Equal(Names(1, 2), Exchanges(core, 60).Distinct().Order().ToList());
    }

    [Fact]
    public void The_choice_draws_only_from_the_given_random_source()
    {
        List<NodeName> Run()
        {
            var core = Plumtree(0, seed: 42, neighbours: [1]);
            core.MembersChanged(Names(0, 1, 2, 3, 4, 5, 6, 7, 8));
            return Exchanges(core, 20);
        }

        Assert.Equal(Run(), Run());
    }
}

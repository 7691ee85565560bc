using Orleans.Partisan.Protocols.Broadcast;
using static Orleans.Partisan.Tests.Protocols.Broadcast.BroadcastTestKit;

namespace Orleans.Partisan.Tests.Protocols.Broadcast;

/// <summary>
/// The exchange candidates: members are kept as given and sorted only when a choice is made, so the
/// choice must be the one a sorted, deduplicated list without this node gives for the same draw.
/// </summary>
public sealed class ExchangePeersTests
{
    [Fact]
    public void A_choice_is_the_draw_among_the_sorted_distinct_members_outside_the_tree()
    {
        var peers = new ExchangePeers(Name(0));
        peers.Set([Name(5), Name(0), Name(3), Name(9), Name(3), Name(1)]);
        HashSet<NodeName> tree = [Name(3)];

        for (var seed = 0; seed < 20; seed++)
        {
            // Outside the tree, in name order: n1, n5, n9; one draw picks among them.
            NodeName[] expected = [Name(1), Name(5), Name(9)];
            var choice = peers.Choose(tree, new Random(seed));
            Assert.Equal(expected[new Random(seed).Next(expected.Length)], choice);
        }
    }

    [Fact]
    public void A_later_set_replaces_the_members_and_an_all_eager_tree_falls_back_to_any_member()
    {
        var peers = new ExchangePeers(Name(0));
        peers.Set([Name(4), Name(2)]);
        Assert.NotNull(peers.Choose(new HashSet<NodeName>(), new Random(1)));

        peers.Set([Name(8), Name(7), Name(8)]);
        HashSet<NodeName> tree = [Name(7), Name(8)];
        for (var seed = 0; seed < 10; seed++)
        {
            NodeName[] members = [Name(7), Name(8)];
            Assert.Equal(members[new Random(seed).Next(members.Length)], peers.Choose(tree, new Random(seed)));
        }

        peers.Set([Name(0)]);
        Assert.Null(peers.Choose(tree, new Random(1)));
    }
}

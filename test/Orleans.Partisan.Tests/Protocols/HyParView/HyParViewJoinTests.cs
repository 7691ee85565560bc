using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.HyParView;
using static Orleans.Partisan.Tests.Protocols.HyParView.HyParViewTestKit;

namespace Orleans.Partisan.Tests.Protocols.HyParView;

/// <summary>JOIN and FORWARD_JOIN (DSN 2007 §4.2).</summary>
public sealed class HyParViewJoinTests
{
    [Fact]
    public void A_joiner_sends_JOIN_over_a_connection_to_its_contact_and_takes_it_as_neighbour_once_accepted()
    {
        var joiner = NewCore(9);
        var effects = joiner.Join(Spec(0));
        Assert.True(effects.Connects(0));
        var (to, join) = effects.SentOne<HyParViewJoin>();
        Assert.Equal(Name(0), to);
        Assert.Equal(Name(9), join.Sender.Name);
        Assert.Contains(effects, e => e is ArmTimerEffect { Timer: HyParViewTimer.Peer { Node.Value: "n0" }, Periodic: false });
        Assert.Empty(joiner.ActiveView);
        Assert.Equal([0], joiner.PassiveView.Indexes());

        joiner.Handle(Name(0), HyParViewNeighborReply.Accept(Spec(0), join.Epoch));
        Assert.Equal([0], joiner.ActiveView.Indexes());
        Assert.Empty(joiner.PassiveView);

        // Once in an overlay, Join only learns the node.
        var again = joiner.Join(Spec(5));
        Assert.Empty(again.Sent<HyParViewJoin>());
        Assert.Equal([5], joiner.PassiveView.Indexes());
    }

    [Fact]
    public void Rejoin_from_a_node_with_a_full_view_sends_JOIN_and_the_acceptance_makes_room_by_dropping_a_neighbour()
    {
        var node = NewCore(9, options: new HyParViewOptions { ActiveViewSize = 2, MinActiveViewSize = 1, ShuffleActiveCount = 1 }).WithNeighbours(1, 2);
        var effects = node.Rejoin(Spec(0));
        var (to, join) = effects.SentOne<HyParViewJoin>();
        Assert.Equal(Name(0), to);
        Assert.Empty(node.Rejoin(Spec(1)).Sent<HyParViewJoin>()); // already a neighbour
        Assert.Empty(node.Rejoin(Spec(0)).Sent<HyParViewJoin>()); // already asked

        var accepted = node.Handle(Name(0), HyParViewNeighborReply.Accept(Spec(0), join.Epoch));
        Assert.Contains(0, node.ActiveView.Indexes());
        Assert.Equal(2, node.ActiveView.Count);
        Assert.Single(accepted.Sent<HyParViewDisconnect>());
    }

    [Fact]
    public void The_contact_adds_the_joiner_answers_it_and_sends_FORWARD_JOIN_with_TTL_ARWL_to_its_other_neighbours()
    {
        var contact = NewCore(0).WithNeighbours(1, 2, 3);
        var effects = contact.Handle(Name(9), new HyParViewJoin(Spec(9), 7));

        Assert.Equal([1, 2, 3, 9], contact.ActiveView.Indexes());
        Assert.True(effects.Connects(9));
        Assert.Contains(effects, e => e is MemberJoinedEffect { Member.Name.Value: "n9" });
        var (to, reply) = effects.SentOne<HyParViewNeighborReply>();
        Assert.Equal(Name(9), to);
        Assert.True(reply.Accepted);
        Assert.Equal(7, reply.Epoch);

        var walks = effects.Sent<HyParViewForwardJoin>();
        Assert.Equal([Name(1), Name(2), Name(3)], walks.Select(w => w.To).Order());
        Assert.All(walks, w => Assert.Equal(6, w.Message.Ttl));
        Assert.All(walks, w => Assert.Equal(Name(9), w.Message.Joiner.Name));
    }

    [Fact]
    public void A_JOIN_answer_brings_the_joiner_nodes_for_its_passive_view()
    {
        var contact = NewCore(0).WithNeighbours(1, 2, 3).WithPassive(4, 5, 6, 7, 8);
        var reply = contact.Handle(Name(9), new HyParViewJoin(Spec(9), 1)).SentOne<HyParViewNeighborReply>().Message;
        Assert.Equal(3 + 4, reply.Suggestions.Length);
        Assert.DoesNotContain(reply.Suggestions, s => s.Name == Name(9));

        var joiner = NewCore(9);
        joiner.Join(Spec(0));
        joiner.Handle(Name(0), reply);
        Assert.Equal(7, joiner.PassiveView.Count);
    }

    [Fact]
    public void FORWARD_JOIN_at_TTL_PRWL_adds_the_joiner_to_the_passive_view_and_walks_on_to_another_neighbour()
    {
        for (var seed = 1; seed <= 10; seed++)
        {
            var node = NewCore(0, seed).WithNeighbours(1, 2, 3);
            var effects = node.Handle(Name(1), new HyParViewForwardJoin(Spec(1), 1, Spec(9), Ttl: 3));
            Assert.True(node.PassiveView.Any(s => s.Name == Name(9)), $"seed {seed}");
            Assert.DoesNotContain(Name(9), node.Neighbours());
            var (to, walk) = effects.SentOne<HyParViewForwardJoin>();
            Assert.True(to == Name(2) || to == Name(3), $"seed {seed}: forwarded to {to}, the sender or a stranger");
            Assert.Equal(2, walk.Ttl);
        }
    }

    [Fact]
    public void FORWARD_JOIN_above_PRWL_only_walks_on()
    {
        var node = NewCore(0).WithNeighbours(1, 2, 3);
        var effects = node.Handle(Name(1), new HyParViewForwardJoin(Spec(1), 1, Spec(9), Ttl: 5));
        Assert.DoesNotContain(node.Members, s => s.Name == Name(9));
        Assert.Equal(4, effects.SentOne<HyParViewForwardJoin>().Message.Ttl);
    }

    [Fact]
    public void FORWARD_JOIN_at_TTL_0_adds_the_joiner_and_the_joiner_takes_the_walk_end_so_the_views_are_symmetric()
    {
        var end = NewCore(0).WithNeighbours(1, 2, 3);
        var effects = end.Handle(Name(1), new HyParViewForwardJoin(Spec(1), 1, Spec(9), Ttl: 0));
        Assert.Contains(Name(9), end.Neighbours());
        Assert.True(effects.Connects(9));
        Assert.Empty(effects.Sent<HyParViewForwardJoin>());
        var (to, accept) = effects.SentOne<HyParViewForwardJoinAccept>();
        Assert.Equal(Name(9), to);

        var joiner = NewCore(9);
        joiner.Join(Spec(5));
        var joinerEffects = joiner.Handle(Name(0), accept);
        Assert.Contains(Name(0), joiner.Neighbours());
        Assert.True(joinerEffects.Connects(0));
        Assert.Equal(end.LinkEpoch(Name(9)), joiner.LinkEpoch(Name(0)));
    }

    [Fact]
    public void A_node_with_only_one_neighbour_takes_the_joiner_whatever_the_TTL()
    {
        var node = NewCore(0).WithNeighbours(1);
        var effects = node.Handle(Name(1), new HyParViewForwardJoin(Spec(1), 1, Spec(9), Ttl: 5));
        Assert.Equal([1, 9], node.ActiveView.Indexes());
        Assert.Empty(effects.Sent<HyParViewForwardJoin>());
        Assert.Single(effects.Sent<HyParViewForwardJoinAccept>());
    }

    [Fact]
    public void A_walk_that_reaches_a_node_already_holding_the_joiner_ends_there()
    {
        var node = NewCore(0).WithNeighbours(1, 2, 9);
        var effects = node.Handle(Name(1), new HyParViewForwardJoin(Spec(1), 1, Spec(9), Ttl: 4));
        Assert.Empty(effects.Sent<HyParViewForwardJoin>());
        Assert.Empty(effects.Sent<HyParViewForwardJoinAccept>());
    }

    [Fact]
    public void Adding_to_a_full_active_view_drops_a_random_neighbour_to_the_passive_view_with_a_DISCONNECT()
    {
        var dropped = new HashSet<NodeName>();
        for (var seed = 1; seed <= 20; seed++)
        {
            var contact = NewCore(0, seed).WithNeighbours(1, 2, 3, 4, 5);
            var effects = contact.Handle(Name(9), new HyParViewJoin(Spec(9), 50));

            Assert.Equal(5, contact.ActiveView.Count);
            Assert.Contains(Name(9), contact.Neighbours());
            var victim = Assert.Single(contact.PassiveView);
            var (to, disconnect) = effects.SentOne<HyParViewDisconnect>();
            Assert.Equal(victim.Name, to);
            Assert.False(disconnect.Leaving);
            Assert.Equal(1, disconnect.Epoch);
            Assert.Contains(effects, e => e is DisconnectEffect d && d.Peer == victim.Name);
            Assert.DoesNotContain(effects, e => e is MemberLeftEffect);
            Assert.DoesNotContain(effects.Sent<HyParViewForwardJoin>(), w => w.To == victim.Name);
            dropped.Add(victim.Name);
        }

        Assert.True(dropped.Count >= 3, $"seeds 1..20 dropped only {string.Join(",", dropped)}: not a random neighbour");
    }

    [Fact]
    public void Three_nodes_joining_in_a_network_hold_each_other_symmetrically()
    {
        var network = new HyParViewNetwork(3, seed: 7);
        network.Join(1, 0);
        network.RunToQuiescence();
        network.Join(2, 1);
        network.RunToQuiescence();

        // n2 joins n1, whose FORWARD_JOIN reaches n0 with one neighbour: n0 takes n2 too.
        Assert.Equal([1, 2], network[0].Core.ActiveView.Indexes());
        Assert.Equal([0, 2], network[1].Core.ActiveView.Indexes());
        Assert.Equal([0, 1], network[2].Core.ActiveView.Indexes());
        HyParViewInvariants.AssertSound(network, new HyParViewOptions(), "after three joins");
    }
}

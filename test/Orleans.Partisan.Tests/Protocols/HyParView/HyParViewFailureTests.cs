using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.HyParView;
using static Orleans.Partisan.Tests.Protocols.HyParView.HyParViewTestKit;

namespace Orleans.Partisan.Tests.Protocols.HyParView;

/// <summary>Failures, periodic promotion and leaves.</summary>
public sealed class HyParViewFailureTests
{
    [Fact]
    public void A_lost_connection_removes_the_neighbour_and_starts_promotion_from_the_passive_view()
    {
        var node = NewCore(0).WithNeighbours(1, 2, 3, 4, 5).WithPassive(11, 12);
        var effects = node.PeerDown(Name(3));

        Assert.DoesNotContain(Name(3), node.Neighbours());
        Assert.DoesNotContain(node.Members, s => s.Name == Name(3));
        Assert.Contains(effects, e => e is MemberLeftEffect m && m.Member.Name == Name(3));
        Assert.True(effects.Disconnects(3));
        var (to, request) = effects.SentOne<HyParViewNeighbor>();
        Assert.True(to == Name(11) || to == Name(12));
        Assert.Equal(NeighborPriority.Low, request.Priority);
    }

    [Fact]
    public void The_loss_of_the_last_neighbour_makes_the_request_high()
    {
        var node = NewCore(0).WithNeighbours(1).WithPassive(11);
        var request = node.PeerDown(Name(1)).SentOne<HyParViewNeighbor>().Message;
        Assert.Equal(NeighborPriority.High, request.Priority);
    }

    [Fact]
    public void The_down_of_a_connection_the_core_closed_itself_fails_nothing()
    {
        var node = NewCore(0).WithNeighbours(1, 2, 3, 4, 5).WithPassive(11);
        var drop = node.Handle(Name(9), new HyParViewNeighbor(Spec(9), 20, NeighborPriority.High));
        var dropped = drop.SentOne<HyParViewDisconnect>().To;
        Assert.Contains(drop, e => e is DisconnectEffect d && d.Peer == dropped);

        // Taken back before the driver reported the old connection down.
        node.Handle(dropped, new HyParViewNeighbor(NodeSpecOf(dropped), 30, NeighborPriority.High));
        Assert.Contains(dropped, node.Neighbours());
        var late = node.PeerDown(dropped);
        Assert.Contains(dropped, node.Neighbours());
        Assert.Empty(late.Sent<HyParViewNeighbor>());

        // A down nobody expected is a failure.
        node.PeerUp(dropped);
        node.PeerDown(dropped);
        Assert.DoesNotContain(dropped, node.Neighbours());
    }

    [Fact]
    public void A_neighbour_whose_connection_never_comes_up_is_treated_as_failed()
    {
        var node = NewCore(0).WithNeighbours(1);
        var effects = node.Handle(Name(9), new HyParViewNeighbor(Spec(9), 5, NeighborPriority.Low));
        Assert.Contains(effects, e => e is ArmTimerEffect { Timer: HyParViewTimer.Peer { Node.Value: "n9" } });
        node.OnTimer(new HyParViewTimer.Peer(new NodeName("n9")));
        Assert.DoesNotContain(Name(9), node.Neighbours());

        var up = NewCore(0).WithNeighbours(1);
        up.Handle(Name(9), new HyParViewNeighbor(Spec(9), 5, NeighborPriority.Low));
        up.PeerUp(Name(9));
        up.OnTimer(new HyParViewTimer.Peer(new NodeName("n9")));
        Assert.Contains(Name(9), up.Neighbours());
    }

    [Fact]
    public void The_promotion_timer_keeps_trying_while_the_active_view_is_below_the_minimum()
    {
        var node = NewCore(0).WithNeighbours(1).WithPassive(11, 12);
        for (var round = 0; round < 3; round++)
        {
            var requests = node.OnTimer(HyParViewTimer.Promotion.Instance).Sent<HyParViewNeighbor>();
            Assert.True(requests.Count == 2, $"round {round}: {requests.Count} requests");
            foreach (var (to, request) in requests)
            {
                node.Handle(to, new HyParViewNeighborReply(NodeSpecOf(to), request.Epoch, Accepted: false, []));
            }

            Assert.Empty(node.PendingRequests);
        }

        node.Befriend(2);
        node.Befriend(3);
        Assert.Empty(node.OnTimer(HyParViewTimer.Promotion.Instance).Sent<HyParViewNeighbor>());
    }

    [Fact]
    public void A_node_whose_JOIN_goes_unanswered_retries_it_on_the_promotion_timer()
    {
        var node = NewCore(9);
        node.Join(Spec(0));
        node.OnTimer(new HyParViewTimer.Peer(new NodeName("n0")));
        Assert.Contains(node.PassiveView, s => s.Name == Name(0));
        Assert.Empty(node.PendingRequests);

        var retry = node.OnTimer(HyParViewTimer.Promotion.Instance);
        Assert.Equal(Name(0), retry.SentOne<HyParViewJoin>().To);
        Assert.True(retry.Connects(0));
    }

    [Fact]
    public void A_graceful_leave_tells_every_neighbour_closes_every_connection_and_clears_the_views()
    {
        var node = NewCore(0).WithNeighbours(1, 2, 3).WithPassive(11);
        var effects = node.Leave(Name(0));

        var told = effects.Sent<HyParViewDisconnect>();
        Assert.Equal([Name(1), Name(2), Name(3)], told.Select(t => t.To).Order());
        Assert.All(told, t => Assert.True(t.Message.Leaving));
        Assert.True(effects.Disconnects(1) && effects.Disconnects(2) && effects.Disconnects(3));
        Assert.Equal(4, effects.OfType<MemberLeftEffect>().Count());
        Assert.Equal(Name(0), Assert.IsType<SelfLeftEffect>(effects[^1]).RemovedBy);
        Assert.Empty(node.ActiveView);
        Assert.Empty(node.PassiveView);
        Assert.Empty(node.Connections);
        Assert.Equal([node.Self], node.Members);

        // Whoever still counts on it is told to forget it.
        var late = node.Handle(Name(5), new HyParViewKeepAlive(Spec(5), 3));
        Assert.True(late.SentOne<HyParViewDisconnect>().Message.Leaving);
        Assert.Empty(node.OnTimer(HyParViewTimer.Shuffle.Instance));
    }

    [Fact]
    public void A_neighbour_that_leaves_is_forgotten_and_replaced()
    {
        var node = NewCore(0).WithNeighbours(1, 2, 3).WithPassive(11);
        var effects = node.Handle(Name(2), new HyParViewDisconnect(Spec(2), 1, Leaving: true));
        Assert.DoesNotContain(node.Members, s => s.Name == Name(2));
        Assert.Contains(effects, e => e is MemberLeftEffect m && m.Member.Name == Name(2));
        Assert.Equal(Name(11), effects.SentOne<HyParViewNeighbor>().To);
    }

    [Fact]
    public void Graceful_leaves_remove_the_leaver_from_its_neighbours_views()
    {
        var network = new HyParViewNetwork(8, seed: 5);
        for (var i = 1; i < 8; i++)
        {
            network.Join(i, i - 1);
            network.RunToQuiescence();
        }

        var neighbours = network[3].Core.Neighbours();
        Assert.NotEmpty(neighbours);
        network.Leave(3);
        network.RunToQuiescence();
        foreach (var node in network.Alive.Where(n => n.Index != 3))
        {
            // Its neighbours forget it; other nodes may keep it as passive (partial views) until they find it gone.
            var forgotten = neighbours.Contains(node.Name) ? node.Core.Members : node.Core.ActiveView;
            Assert.True(!forgotten.Any(s => s.Name == Name(3)), $"seed {network.Seed}: {node} still holds the leaver");
        }

        Assert.True(network[3].Core.HasLeft);
        Assert.Empty(network[3].Connected);
    }

    [Fact]
    public void Removing_another_node_drops_it_from_both_views()
    {
        var node = NewCore(0).WithNeighbours(1, 2).WithPassive(11);
        var effects = node.Leave(Name(1));
        Assert.DoesNotContain(node.Members, s => s.Name == Name(1));
        Assert.True(effects.Disconnects(1));
        Assert.Equal(Name(1), effects.SentOne<HyParViewDisconnect>().To);

        node.Leave(Name(11));
        Assert.DoesNotContain(node.Members, s => s.Name == Name(11));
        Assert.Contains(effects, e => e is MemberLeftEffect m && m.Member.Name == Name(1));
    }

    private static NodeSpec NodeSpecOf(NodeName name) => Spec(int.Parse(name.Value[1..]));
}

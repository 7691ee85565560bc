using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.HyParView;
using static Orleans.Partisan.Tests.Protocols.HyParView.HyParViewTestKit;

namespace Orleans.Partisan.Tests.Protocols.HyParView;

/// <summary>NEIGHBOR requests and promotion from the passive view (DSN 2007 §4.3).</summary>
public sealed class HyParViewNeighborTests
{
    [Fact]
    public void A_node_with_an_empty_active_view_asks_with_high_priority_once_and_low_for_the_other_slots()
    {
        var node = NewCore(0).WithOnlyPassive(1, 2, 3, 4);
        var requests = node.OnTimer(HyParViewTimer.Promotion.Instance).Sent<HyParViewNeighbor>();

        // Below the minimum of 3 with none: one request per missing neighbour, one of them high.
        Assert.Equal(3, requests.Count);
        Assert.Single(requests, r => r.Message.Priority == NeighborPriority.High);
        Assert.Equal(3, node.PendingRequests.Count);
    }

    [Fact]
    public void A_node_with_a_neighbour_asks_with_low_priority_only()
    {
        var node = NewCore(0).WithNeighbours(1).WithPassive(2, 3, 4);
        var requests = node.OnTimer(HyParViewTimer.Promotion.Instance).Sent<HyParViewNeighbor>();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(NeighborPriority.Low, r.Message.Priority));
    }

    [Fact]
    public void A_request_goes_over_a_connection_opened_for_it_and_a_timer_bounds_the_wait()
    {
        var node = NewCore(0).WithNeighbours(1, 2).WithPassive(3);
        var effects = node.OnTimer(HyParViewTimer.Promotion.Instance);
        var connect = effects.ToList().FindIndex(e => e is ConnectEffect { Peer.Name.Value: "n3" });
        var send = effects.ToList().FindIndex(e => e is SendEffect { Message: HyParViewNeighbor } s && s.To == Name(3));
        Assert.True(connect >= 0 && connect < send, "Connect(n3) must come before the NEIGHBOR to n3");
        Assert.Contains(effects, e => e is ArmTimerEffect { Timer: HyParViewTimer.Peer { Node.Value: "n3" }, Periodic: false } t && t.Due == TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void A_low_request_is_rejected_by_a_full_view_over_a_connection_closed_once_up()
    {
        var node = NewCore(0).WithNeighbours(1, 2, 3, 4, 5).WithPassive(6, 7);
        var effects = node.Handle(Name(9), new HyParViewNeighbor(Spec(9), 40, NeighborPriority.Low));

        Assert.DoesNotContain(Name(9), node.Neighbours());
        var (to, reply) = effects.SentOne<HyParViewNeighborReply>();
        Assert.Equal(Name(9), to);
        Assert.False(reply.Accepted);
        Assert.Equal(40, reply.Epoch);
        Assert.Equal(3 + 2, reply.Suggestions.Length);
        Assert.True(effects.Connects(9));
        Assert.False(effects.Disconnects(9));

        // The driver sends what waited for the connection before reporting it up; then it is closed.
        Assert.True(node.PeerUp(Name(9)).Disconnects(9));
        Assert.DoesNotContain(Name(9), node.Connections);
    }

    [Fact]
    public void A_low_request_is_accepted_with_a_free_slot_and_a_high_one_even_by_a_full_view()
    {
        var node = NewCore(0).WithNeighbours(1, 2, 3, 4);
        var effects = node.Handle(Name(8), new HyParViewNeighbor(Spec(8), 40, NeighborPriority.Low));
        Assert.True(effects.SentOne<HyParViewNeighborReply>().Message.Accepted);
        Assert.Equal([1, 2, 3, 4, 8], node.ActiveView.Indexes());

        effects = node.Handle(Name(9), new HyParViewNeighbor(Spec(9), 41, NeighborPriority.High));
        Assert.True(effects.SentOne<HyParViewNeighborReply>().Message.Accepted);
        Assert.Contains(Name(9), node.Neighbours());
        Assert.Equal(5, node.ActiveView.Count);
        var dropped = effects.SentOne<HyParViewDisconnect>().To;
        Assert.Contains(node.PassiveView, s => s.Name == dropped);
    }

    [Fact]
    public void After_a_rejection_the_requester_closes_that_connection_and_asks_the_next_passive_candidate()
    {
        for (var seed = 1; seed <= 10; seed++)
        {
            var node = NewCore(0, seed, new HyParViewOptions { MinActiveViewSize = 2 }).WithNeighbours(1).WithPassive(2, 3, 4);
            var (first, request) = node.OnTimer(HyParViewTimer.Promotion.Instance).SentOne<HyParViewNeighbor>();

            var effects = node.Handle(first, new HyParViewNeighborReply(NodeSpecOf(first), request.Epoch, Accepted: false, []));
            Assert.Contains(effects, e => e is DisconnectEffect d && d.Peer == first);
            Assert.Contains(node.PassiveView, s => s.Name == first);
            var (next, _) = effects.SentOne<HyParViewNeighbor>();
            Assert.True(next != first, $"seed {seed}: asked {first} again right after its rejection");
            Assert.Equal([next], node.PendingRequests);
        }
    }

    [Fact]
    public void After_a_timeout_the_candidate_is_forgotten_and_the_next_one_is_asked()
    {
        var node = NewCore(0, options: new HyParViewOptions { MinActiveViewSize = 2 }).WithNeighbours(1).WithPassive(2, 3, 4);
        var (first, _) = node.OnTimer(HyParViewTimer.Promotion.Instance).SentOne<HyParViewNeighbor>();

        var effects = node.OnTimer(new HyParViewTimer.Peer(first));
        Assert.Contains(effects, e => e is DisconnectEffect d && d.Peer == first);
        Assert.Contains(effects, e => e is MemberLeftEffect m && m.Member.Name == first);
        Assert.DoesNotContain(node.Members, s => s.Name == first);
        var (next, _) = effects.SentOne<HyParViewNeighbor>();
        Assert.NotEqual(first, next);
    }

    [Fact]
    public void An_accepted_request_makes_the_candidate_a_neighbour_and_ends_the_round()
    {
        var node = NewCore(0, options: new HyParViewOptions { MinActiveViewSize = 2 }).WithNeighbours(1).WithPassive(2, 3);
        var (first, request) = node.OnTimer(HyParViewTimer.Promotion.Instance).SentOne<HyParViewNeighbor>();
        var effects = node.Handle(first, HyParViewNeighborReply.Accept(NodeSpecOf(first), request.Epoch));
        Assert.Contains(first, node.Neighbours());
        Assert.Empty(node.PendingRequests);
        Assert.Empty(effects.Sent<HyParViewNeighbor>());
        Assert.Empty(node.OnTimer(HyParViewTimer.Promotion.Instance).Sent<HyParViewNeighbor>());
    }

    [Fact]
    public void Two_nodes_asking_each_other_at_once_end_with_one_link_under_one_epoch()
    {
        var a = NewCore(1).WithNeighbours(5).WithPassive(2);
        var b = NewCore(2).WithNeighbours(6).WithPassive(1);
        var fromA = a.OnTimer(HyParViewTimer.Promotion.Instance).SentOne<HyParViewNeighbor>().Message;
        var fromB = b.OnTimer(HyParViewTimer.Promotion.Instance).SentOne<HyParViewNeighbor>().Message;

        var replyFromB = b.Handle(Name(1), fromA).SentOne<HyParViewNeighborReply>().Message;
        var replyFromA = a.Handle(Name(2), fromB).SentOne<HyParViewNeighborReply>().Message;
        a.Handle(Name(2), replyFromB);
        b.Handle(Name(1), replyFromA);

        Assert.Contains(Name(2), a.Neighbours());
        Assert.Contains(Name(1), b.Neighbours());
        Assert.Equal(a.LinkEpoch(Name(2)), b.LinkEpoch(Name(1)));
        Assert.Empty(a.PendingRequests);
        Assert.Empty(b.PendingRequests);
    }

    private static NodeSpec NodeSpecOf(NodeName name) => Spec(int.Parse(name.Value[1..]));
}

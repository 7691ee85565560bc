using Orleans.Partisan.Protocols.HyParView;
using static Orleans.Partisan.Tests.Protocols.HyParView.HyParViewTestKit;

namespace Orleans.Partisan.Tests.Protocols.HyParView;

/// <summary>Link epochs: a message about an older link between two nodes cannot tear down a newer one.</summary>
public sealed class HyParViewEpochTests
{
    [Fact]
    public void A_delayed_DISCONNECT_of_an_older_link_does_not_remove_a_newer_one()
    {
        // n1 took n0 as neighbour (epoch 1), dropped it (DISCONNECT epoch 1, delayed), then asked
        // again (NEIGHBOR epoch 4), and the new request arrives first.
        var node = NewCore(0);
        node.Befriend(1, epoch: 1);
        var accept = node.Handle(Name(1), new HyParViewNeighbor(Spec(1), 4, NeighborPriority.Low));
        Assert.Equal(4, accept.SentOne<HyParViewNeighborReply>().Message.Epoch);
        Assert.Equal(4, node.LinkEpoch(Name(1)));

        var stale = node.Handle(Name(1), new HyParViewDisconnect(Spec(1), 1, Leaving: false));
        Assert.Empty(stale);
        Assert.Contains(Name(1), node.Neighbours());

        var current = node.Handle(Name(1), new HyParViewDisconnect(Spec(1), 4, Leaving: false));
        Assert.True(current.Disconnects(1));
        Assert.DoesNotContain(Name(1), node.Neighbours());
        Assert.Contains(node.PassiveView, s => s.Name == Name(1));
    }

    [Fact]
    public void A_stale_rejection_does_not_cancel_a_newer_request()
    {
        var node = NewCore(0, options: new HyParViewOptions { MinActiveViewSize = 2 }).WithNeighbours(1).WithPassive(2);
        var first = node.OnTimer(HyParViewTimer.Promotion.Instance).SentOne<HyParViewNeighbor>().Message;
        node.OnTimer(new HyParViewTimer.Peer(new NodeName("n2"))); // timed out: n2 forgotten
        node.Join(Spec(2));                                // learned again
        var second = node.OnTimer(HyParViewTimer.Promotion.Instance).SentOne<HyParViewNeighbor>().Message;
        Assert.True(second.Epoch > first.Epoch);

        Assert.Empty(node.Handle(Name(2), new HyParViewNeighborReply(Spec(2), first.Epoch, Accepted: false, [])));
        Assert.Equal([Name(2)], node.PendingRequests);

        node.Handle(Name(2), new HyParViewNeighborReply(Spec(2), second.Epoch, Accepted: false, []));
        Assert.Empty(node.PendingRequests);
    }

    [Fact]
    public void A_new_link_gets_an_epoch_above_every_epoch_the_node_has_seen()
    {
        var node = NewCore(0).WithNeighbours(1).WithPassive(2);
        node.Handle(Name(1), new HyParViewKeepAlive(Spec(1), 500));
        Assert.Equal(500, node.LinkEpoch(Name(1)));
        node.Handle(Name(1), new HyParViewDisconnect(Spec(1), 500, Leaving: false));
        var request = node.OnTimer(HyParViewTimer.Promotion.Instance).Sent<HyParViewNeighbor>();
        Assert.All(request, r => Assert.True(r.Message.Epoch > 500, $"epoch {r.Message.Epoch}"));
    }

    [Fact]
    public void A_message_over_a_link_the_receiver_does_not_have_is_answered_with_a_DISCONNECT_of_that_link()
    {
        var node = NewCore(0).WithNeighbours(1);
        var effects = node.Handle(Name(7), new HyParViewKeepAlive(Spec(7), 33));
        var (to, disconnect) = effects.SentOne<HyParViewDisconnect>();
        Assert.Equal(Name(7), to);
        Assert.Equal(33, disconnect.Epoch);
        Assert.DoesNotContain(node.Members, s => s.Name == Name(7));

        // At the one-sided end, that DISCONNECT closes the link it was about, not a newer one.
        var other = NewCore(7);
        other.Befriend(0, epoch: 33);
        other.Handle(Name(0), new HyParViewNeighbor(Spec(0), 40, NeighborPriority.Low));
        other.Handle(Name(0), disconnect);
        Assert.Contains(Name(0), other.Neighbours());

        var older = NewCore(7);
        older.Befriend(0, epoch: 33);
        older.Handle(Name(0), disconnect);
        Assert.DoesNotContain(Name(0), older.Neighbours());
    }

    [Theory]
    [InlineData(nameof(HyParViewForwardJoin))]
    [InlineData(nameof(HyParViewShuffle))]
    [InlineData(nameof(HyParViewShuffleReply))]
    public void Messages_that_need_an_active_link_are_ignored_from_a_stranger(string kind)
    {
        var node = NewCore(0).WithNeighbours(1, 2);
        object message = kind switch
        {
            nameof(HyParViewForwardJoin) => new HyParViewForwardJoin(Spec(7), 3, Spec(9), 0),
            nameof(HyParViewShuffle) => new HyParViewShuffle(Spec(7), 3, 1, [Spec(7), Spec(9)], 1, [Name(7)]),
            _ => new HyParViewShuffleReply(Spec(7), 3, 1, [Spec(9)], Name(0), []),
        };

        var effects = node.Handle(Name(7), message);
        Assert.DoesNotContain(node.Members, s => s.Name == Name(9) || s.Name == Name(7));
        Assert.Equal(Name(7), effects.SentOne<HyParViewDisconnect>().To);
        Assert.Empty(effects.Sent<HyParViewForwardJoin>());
        Assert.Empty(effects.Sent<HyParViewShuffleReply>());
    }

    [Fact]
    public void A_message_whose_sender_is_not_the_connection_it_came_from_is_ignored()
        => Assert.Empty(NewCore(0).Handle(Name(2), new HyParViewJoin(Spec(1), 1)));
}

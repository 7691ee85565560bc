using Orleans.Partisan.Protocols.HyParView;
using static Orleans.Partisan.Tests.Protocols.HyParView.HyParViewTestKit;

namespace Orleans.Partisan.Tests.Protocols.HyParView;

/// <summary>SHUFFLE and its reply (DSN 2007 §4.4).</summary>
public sealed class HyParViewShuffleTests
{
    [Fact]
    public void A_shuffle_carries_the_node_itself_three_other_neighbours_and_four_passive_nodes_to_a_neighbour()
    {
        for (var seed = 1; seed <= 10; seed++)
        {
            var node = NewCore(0, seed).WithNeighbours(1, 2, 3, 4, 5).WithPassive(11, 12, 13, 14, 15, 16, 17, 18);
            var (to, shuffle) = node.OnTimer(HyParViewTimer.Shuffle.Instance).SentOne<HyParViewShuffle>();

            Assert.Contains(to, node.Neighbours());
            Assert.Equal(8, shuffle.Nodes.Length);
            Assert.Equal(Name(0), shuffle.Nodes[0].Name);
            var active = shuffle.Nodes.Skip(1).Where(s => node.Neighbours().Contains(s.Name)).ToList();
            var passive = shuffle.Nodes.Skip(1).Where(s => node.PassiveView.Contains(s)).ToList();
            Assert.True(active.Count == 3, $"seed {seed}: {active.Count} neighbours");
            Assert.True(passive.Count == 4, $"seed {seed}: {passive.Count} passive nodes");
            Assert.DoesNotContain(shuffle.Nodes, s => s.Name == to);
            Assert.Equal(shuffle.Nodes.Length, shuffle.Nodes.Select(s => s.Name).Distinct().Count());
            Assert.Equal(6, shuffle.Ttl);
            Assert.Equal([Name(0)], shuffle.Path.ToArray());
        }
    }

    [Fact]
    public void A_shuffle_carries_fewer_when_the_views_hold_fewer()
    {
        var node = NewCore(0).WithNeighbours(1, 2).WithPassive(11);
        var shuffle = node.OnTimer(HyParViewTimer.Shuffle.Instance).SentOne<HyParViewShuffle>().Message;
        Assert.Equal(3, shuffle.Nodes.Length);

        Assert.Empty(NewCore(0).OnTimer(HyParViewTimer.Shuffle.Instance));
    }

    [Fact]
    public void The_reply_travels_back_to_the_originator_along_the_reversed_path()
    {
        // A line o(0) - a(1) - b(2) - e(3): the walk must go o, a, b and end at e, which has one neighbour.
        var network = new HyParViewNetwork(4, seed: 3);
        network.Link(0, 1);
        network.Link(1, 2);
        network.Link(2, 3);
        network.Execute(0, core => core.WithPassive(20, 21, 22, 23).Join(Spec(24)));
        network.Execute(3, core => core.WithPassive(30, 31, 32, 33).Join(Spec(34)));
        network.RunToQuiescence();

        network.Fire(0, HyParViewTimer.Shuffle.Instance);
        network.RunToQuiescence();

        var atEnd = network[3].Received.Select(r => r.Message).OfType<HyParViewShuffle>().Single();
        Assert.Equal([Name(0), Name(1), Name(2)], atEnd.Path.ToArray());
        var replies = network.Deliveries.Where(d => d.Message is HyParViewShuffleReply).Select(d => (d.From, d.To)).ToList();
        Assert.Equal([(Name(3), Name(2)), (Name(2), Name(1)), (Name(1), Name(0))], replies);

        // The originator merged the end's passive nodes; the end merged the originator's sample.
        var fromEnd = network[0].Core.PassiveView.Indexes().Where(i => i >= 30).ToList();
        Assert.True(fromEnd.Count == 5, $"seed {network.Seed}: the originator learned [{string.Join(",", fromEnd)}] from the end");
        Assert.Contains(Name(0), network[3].Core.PassiveView.Select(s => s.Name));
        Assert.Equal(4, network[3].Core.PassiveView.Indexes().Count(i => i is >= 20 and < 30));
        Assert.DoesNotContain(network[1].Core.PassiveView, s => s.Name.Value.StartsWith("n3", StringComparison.Ordinal) && s.Name != Name(3));
    }

    [Fact]
    public void A_reply_whose_next_hop_is_no_longer_a_neighbour_is_dropped()
    {
        var relay = NewCore(1).WithNeighbours(2, 5);
        var reply = new HyParViewShuffleReply(Spec(2), 1, 7, [Spec(30)], Name(0), [Name(0)]);
        var effects = relay.Handle(Name(2), reply);
        Assert.Empty(effects.Sent<HyParViewShuffleReply>());
        Assert.DoesNotContain(relay.Members, s => s.Name == Name(30));
    }

    [Fact]
    public void The_originator_evicts_first_the_nodes_it_sent()
    {
        var options = new HyParViewOptions { PassiveViewSize = 6, ShufflePassiveCount = 2, ShuffleActiveCount = 0 };
        for (var seed = 1; seed <= 20; seed++)
        {
            // A full active view, so that no promotion request pins a passive node meanwhile.
            var node = NewCore(0, seed, options).WithNeighbours(1, 2, 3, 4, 5).WithPassive(11, 12, 13, 14, 15, 16);
            var shuffle = node.OnTimer(HyParViewTimer.Shuffle.Instance).SentOne<HyParViewShuffle>().Message;
            var sent = shuffle.Nodes.Skip(1).Select(s => s.Name).ToList();
            Assert.Equal(2, sent.Count);

            node.Handle(Name(1), new HyParViewShuffleReply(Spec(1), node.LinkEpoch(Name(1))!.Value, shuffle.ShuffleId, [Spec(41), Spec(42)], Name(0), []));

            var passive = node.PassiveView.Select(s => s.Name).ToList();
            Assert.True(passive.Count == 6, $"seed {seed}: {passive.Count} passive nodes");
            Assert.True(!passive.Intersect(sent).Any(), $"seed {seed}: kept sent {string.Join(",", passive.Intersect(sent))}, evicted others");
            Assert.Contains(Name(41), passive);
            Assert.Contains(Name(42), passive);
        }
    }

    [Fact]
    public void The_end_of_the_walk_evicts_first_the_nodes_it_answers_with()
    {
        var options = new HyParViewOptions { PassiveViewSize = 5 };
        for (var seed = 1; seed <= 20; seed++)
        {
            var end = NewCore(3, seed, options).WithNeighbours(2).WithPassive(31, 32, 33, 34, 35);
            var shuffle = new HyParViewShuffle(Spec(2), 1, 9, [Spec(0), Spec(21)], Ttl: 2, [Name(0), Name(2)]);
            var (to, reply) = end.Handle(Name(2), shuffle).SentOne<HyParViewShuffleReply>();

            Assert.Equal(Name(2), to);
            Assert.Equal([Name(0)], reply.Route.ToArray());
            Assert.Equal(9, reply.ShuffleId);
            Assert.Equal(2, reply.Nodes.Length);
            var passive = end.PassiveView.Select(s => s.Name).ToList();
            Assert.True(passive.Count == 5, $"seed {seed}");
            Assert.True(!passive.Intersect(reply.Nodes.Select(s => s.Name)).Any(), $"seed {seed}: kept a node it answered with");
            Assert.Contains(Name(0), passive);
            Assert.Contains(Name(21), passive);
        }
    }

    [Fact]
    public void A_shuffle_with_time_to_live_left_walks_on_to_another_neighbour()
    {
        var relay = NewCore(1).WithNeighbours(0, 2, 3);
        var shuffle = new HyParViewShuffle(Spec(0), 1, 4, [Spec(0)], Ttl: 6, [Name(0)]);
        var (to, forwarded) = relay.Handle(Name(0), shuffle).SentOne<HyParViewShuffle>();
        Assert.NotEqual(Name(0), to);
        Assert.Equal(5, forwarded.Ttl);
        Assert.Equal([Name(0), Name(1)], forwarded.Path.ToArray());
        Assert.Equal(Name(1), forwarded.Sender.Name);
        Assert.Empty(relay.PassiveView);
    }
}

using CsCheck;
using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.FullMesh;

namespace Orleans.Partisan.Tests.Protocols;

public sealed class FullMeshLeaveTests
{
    private const int Iterations = 100;

    /// <summary>A cluster size, a node pick, another pick, and the delivery seed.</summary>
    private static readonly Gen<(int N, int Pick, int Other, int Seed)> Scenarios =
        from n in Gen.Int[3, 8]
        from pick in Gen.Int[0, n - 1]
        from other in Gen.Int[1, n - 1]
        from seed in Gen.Int
        select (n, pick, (pick + other) % n, seed);

    [Fact]
    public void Graceful_leave_is_seen_by_everyone_and_stale_gossip_does_not_re_add_the_leaver()
        => Scenarios.Sample(
            s =>
            {
                var net = FullMeshAssert.Cluster(s.N, s.Seed);
                var leaver = net[s.Pick];
                var staleStates = Enumerable.Range(0, s.N).Select(i => net[i].Core.State).ToArray();
                var scenario = $"{leaver.Name} left a cluster of {s.N}";

                net.Leave(s.Pick, s.Pick);
                net.RunToQuiescence();

                Assert.True(leaver.MemberNames.SetEquals([leaver.Name.Value]), FullMeshAssert.Describe(net, scenario));
                Assert.Equal(new SelfLeftEffect(leaver.Name), leaver.Events.OfType<SelfLeftEffect>().Single());
                Assert.Empty(leaver.ConnectedTo);
                var others = net.Alive.Where(x => x != leaver).ToList();
                foreach (var other in others)
                {
                    FullMeshAssert.LacksMember(net, other, leaver.Name, scenario);
                    FullMeshAssert.HasEvent(net, leaver, new MemberLeftEffect(other.Spec), scenario);
                    FullMeshAssert.HasEvent(net, other, new MemberLeftEffect(leaver.Spec), scenario);
                    Assert.False(net.IsConnected(other, leaver), $"{other.Name} still connected to {leaver.Name} ({FullMeshAssert.Describe(net, scenario)})");
                    Assert.True(
                        other.MemberNames.SetEquals(others.Select(o => o.Name.Value)),
                        $"{other.Name} lost a member that did not leave ({FullMeshAssert.Describe(net, scenario)})");
                }

                // Every member's state from before the leave, delivered late to every remaining member.
                var leaverEvents = leaver.Events.Count;
                for (var from = 0; from < s.N; from++)
                {
                    foreach (var other in others)
                    {
                        if (other.Index != from)
                        {
                            net.Inject(net[from].Name, other.Index, new FullMeshGossip(staleStates[from]));
                        }
                    }
                }

                net.RunToQuiescence();
                net.Tick();
                net.RunToQuiescence();
                scenario += ", then stale states delivered to the others";
                foreach (var other in others)
                {
                    FullMeshAssert.LacksMember(net, other, leaver.Name, scenario);
                    Assert.True(
                        other.MemberNames.SetEquals(others.Select(o => o.Name.Value)),
                        $"{other.Name}: wrong members ({FullMeshAssert.Describe(net, scenario)})");
                }

                Assert.True(leaver.MemberNames.SetEquals([leaver.Name.Value]), FullMeshAssert.Describe(net, scenario));
                Assert.True(leaverEvents == leaver.Events.Count, $"the leaver's membership changed again ({FullMeshAssert.Describe(net, scenario)})");
            },
            iter: Iterations);

    /// <summary>
    /// CORE BUG (FullMeshCore.Leave / Handle): a node that left is re-added by any gossip that
    /// still lists it and reaches it after its leave.
    /// </summary>
    /// <remarks>
    /// After a leave, the core resets to a singleton state under a <em>fresh</em> self dot. A
    /// state sent by a member before it saw the leave (a tick crossing the leave), or a reply from
    /// a member that saw the leave but also knew something the leaver did not (a concurrent join),
    /// is merged by the leaver: the merge contains the other members, and the fresh self dot is
    /// live, so the leaver becomes a member again, connects, gossips, and the others re-add it
    /// (its fresh dot is not covered by their tombstones). Both races are ordinary under FIFO
    /// links.
    /// </remarks>
    [Theory]
    [InlineData("tick crossing the leave", 1)]
    [InlineData("tick crossing the leave", 2)]
    [InlineData("reply to the leave carrying a concurrent join", 1)]
    [InlineData("reply to the leave carrying a concurrent join", 2)]
    public void A_node_that_left_is_not_re_added_by_gossip_that_raced_its_leave(string race, int seed)
    {
        FullMeshNetwork net;
        FullMeshNetwork.Node leaver;
        if (race.StartsWith("tick", StringComparison.Ordinal))
        {
            // n1's periodic gossip is on the wire to n0 when n0 leaves, and arrives after.
            net = FullMeshAssert.Cluster(4, seed);
            leaver = net[0];
            net.Tick(1);
            net.Leave(0, 0);
            net.DeliverNext(net[1].Name, leaver.Name);
        }
        else
        {
            // n0 leaves while n3 joins through n1; n1 merges n0's leave and answers it with its
            // newer state (n3 included, n0 removed). That answer alone re-adds n0.
            net = new FullMeshNetwork(4, seed);
            net.Join(1, 0);
            net.Join(2, 0);
            net.RunToQuiescence();
            leaver = net[0];
            net.Leave(0, 0);
            net.Join(3, 1);
            net.DeliverNext(net[3].Name, net[1].Name);
            net.DeliverNext(leaver.Name, net[1].Name);
            var reply = Assert.IsType<FullMeshGossip>(net.InFlightOn(net[1].Name, leaver.Name).Last());
            Assert.False(reply.State.Contains(leaver.Spec), "n1's answer should already show n0 removed");
            net.Inject(net[1].Name, 0, reply);
            Assert.True(
                leaver.MemberNames.SetEquals(["n0"]),
                $"n1's answer to n0's leave made n0 a member again ({FullMeshAssert.Describe(net, race)})");
        }

        net.RunToQuiescence();
        var scenario = $"n0 left; {race}";
        Assert.True(leaver.MemberNames.SetEquals(["n0"]), $"the leaver became a member again ({FullMeshAssert.Describe(net, scenario)})");
        foreach (var other in net.Alive.Where(x => x != leaver))
        {
            FullMeshAssert.LacksMember(net, other, leaver.Name, scenario);
        }
    }

    [Fact]
    public void Removing_another_node_drops_it_everywhere_else()
        => Scenarios.Sample(
            s =>
            {
                var net = FullMeshAssert.Cluster(s.N, s.Seed);
                var remover = net[s.Pick];
                var removed = net[s.Other];
                var scenario = $"{remover.Name} removed {removed.Name} from a cluster of {s.N}";

                net.Leave(s.Pick, s.Other);
                net.RunToQuiescence();

                var rest = net.Alive.Where(x => x != removed).ToList();
                foreach (var node in rest)
                {
                    FullMeshAssert.LacksMember(net, node, removed.Name, scenario);
                    FullMeshAssert.HasEvent(net, node, new MemberLeftEffect(removed.Spec), scenario);
                    Assert.True(node.MemberNames.SetEquals(rest.Select(r => r.Name.Value)), FullMeshAssert.Describe(net, scenario));
                    Assert.False(net.IsConnected(node, removed), $"{node.Name} still connected to {removed.Name} ({FullMeshAssert.Describe(net, scenario)})");
                }

                net.Tick();
                net.RunToQuiescence();
                foreach (var node in rest)
                {
                    FullMeshAssert.LacksMember(net, node, removed.Name, scenario + " + tick");
                }
            },
            iter: Iterations);

    /// <summary>
    /// CORE BUG (FullMeshCore.Leave(other)): the removed node is never told.
    /// </summary>
    /// <remarks>
    /// <c>Leave(other)</c> calls <c>Apply</c>, which already emits <c>DisconnectEffect(removed)</c>,
    /// and only then <c>SendEffect(removed, state)</c> ("the removed node is told too, so that it
    /// stops"): a driver that runs effects in order has closed the connection (and stopped
    /// redialling) before the send, so the message is dropped. Nobody else ever tells it either:
    /// the others drop and disconnect it on merge, and their push-pull replies to its own gossip go
    /// to a node they no longer connect to. The removed node stays a "member" of a mesh that
    /// ignores it, forever, and never raises SelfLeft.
    /// </remarks>
    [Fact]
    public void A_removed_node_learns_it_was_removed()
        => Scenarios.Sample(
            s =>
            {
                var net = FullMeshAssert.Cluster(s.N, s.Seed);
                var remover = net[s.Pick];
                var removed = net[s.Other];
                var scenario = $"{remover.Name} removed {removed.Name} from a cluster of {s.N}";

                net.Leave(s.Pick, s.Other);
                net.RunToQuiescence();
                net.Tick();
                net.RunToQuiescence();

                FullMeshAssert.HasEvent(net, removed, new SelfLeftEffect(remover.Name), scenario);
                Assert.True(removed.MemberNames.SetEquals([removed.Name.Value]), FullMeshAssert.Describe(net, scenario));
                Assert.Empty(removed.ConnectedTo);
            },
            iter: 30);

    [Fact]
    public void A_node_that_left_rejoins_through_any_member()
        => Scenarios.Sample(
            s =>
            {
                var net = FullMeshAssert.Cluster(s.N, s.Seed);
                net.Leave(s.Pick, s.Pick);
                net.RunToQuiescence();
                Assert.True(net[s.Pick].MemberNames.SetEquals([net[s.Pick].Name.Value]), FullMeshAssert.Describe(net, "after leave"));

                net.Join(s.Pick, s.Other);
                net.RunToQuiescence();
                FullMeshAssert.Converged(net, $"n{s.Pick} left and rejoined through n{s.Other}");
                net.Tick();
                net.RunToQuiescence();
                FullMeshAssert.Converged(net, $"n{s.Pick} left and rejoined through n{s.Other}, + tick");
            },
            iter: Iterations);

    [Fact]
    public void A_restarted_node_joins_under_its_new_name_and_its_old_name_is_removed()
        => Scenarios.Sample(
            s =>
            {
                var net = FullMeshAssert.Cluster(s.N, s.Seed);
                var old = net[s.Pick];
                var restarted = net.Restart(s.Pick, $"n{s.Pick}-2");
                var scenario = $"{old.Name} restarted as {restarted.Name}, joined through n{s.Other}";

                net.Join(s.Pick, s.Other);
                net.Tick();
                net.RunToQuiescence();
                foreach (var node in net.Alive)
                {
                    Assert.Contains(restarted.Name.Value, node.MemberNames);
                }

                // The old incarnation is dead but still a member until someone removes it.
                Assert.Contains(old.Name.Value, net[s.Other].MemberNames);
                net.Leave(s.Other, old.Name);
                net.RunToQuiescence();
                net.Tick();
                net.RunToQuiescence();
                FullMeshAssert.Converged(net, scenario + ", old name removed");
                foreach (var node in net.Alive)
                {
                    FullMeshAssert.LacksMember(net, node, old.Name, scenario);
                }
            },
            iter: Iterations);
}

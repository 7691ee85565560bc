using CsCheck;
using Orleans.Partisan.Protocols;

namespace Orleans.Partisan.Tests.Protocols;

public sealed class FullMeshConvergenceTests
{
    private const int Iterations = 200;

    /// <summary>
    /// A node count, a join order, for each joiner a pick among the nodes that joined before it,
    /// how many messages to deliver before the next join, whether to tick then (0: one in four), and the delivery seed.
    /// </summary>
    private static readonly Gen<(int N, int[] Order, int[] Contacts, int[] Pauses, int[] Ticks, int Seed)> Scenarios =
        from n in Gen.Int[2, 12]
        from order in Gen.Shuffle(Enumerable.Range(0, n).ToArray())
        from contacts in Gen.Int[0, 1_000].Array[n]
        from pauses in Gen.Int[0, 6].Array[n]
        from ticks in Gen.Int[0, 3].Array[n]
        from seed in Gen.Int
        select (n, order, contacts, pauses, ticks, seed);

    [Fact]
    public void Converges_from_any_join_order_with_push_pull_alone()
        => Scenarios.Sample(
            s => Run(s.N, s.Order, s.Contacts, s.Pauses, ticks: null, s.Seed),
            iter: Iterations);

    [Fact]
    public void Converges_from_any_join_order_with_ticks_interleaved()
        => Scenarios.Sample(
            s => Run(s.N, s.Order, s.Contacts, s.Pauses, s.Ticks, s.Seed),
            iter: Iterations);

    [Fact]
    public void Concurrent_joins_through_different_contacts_converge()
        => Gen.Int.Sample(
            seed =>
            {
                var net = new FullMeshNetwork(9, seed);
                net.Join(1, 0);
                net.Join(2, 1);
                net.RunToQuiescence();

                // All issued before anything is delivered: through each member, through a node
                // that is itself still joining, and two through the same contact.
                net.Join(3, 0);
                net.Join(4, 1);
                net.Join(5, 2);
                net.Join(6, 3);
                net.Join(7, 6);
                net.Join(8, 2);
                net.RunToQuiescence();
                FullMeshAssert.Converged(net, "concurrent joins 3>0 4>1 5>2 6>3 7>6 8>2");
            },
            iter: Iterations);

    [Fact]
    public void Two_clusters_merge_when_a_member_of_one_joins_a_member_of_the_other()
        => Gen.Int.Sample(
            seed =>
            {
                var net = new FullMeshNetwork(6, seed);
                net.Join(1, 0);
                net.Join(2, 0);
                net.Join(4, 3);
                net.Join(5, 4);
                net.RunToQuiescence();
                Assert.True(net[0].MemberNames.SetEquals(["n0", "n1", "n2"]), FullMeshAssert.Describe(net, "left cluster before merge"));
                Assert.True(net[3].MemberNames.SetEquals(["n3", "n4", "n5"]), FullMeshAssert.Describe(net, "right cluster before merge"));

                net.Join(1, 5);
                net.RunToQuiescence();
                FullMeshAssert.Converged(net, "n1 (of n0..n2) joined n5 (of n3..n5)");
            },
            iter: Iterations);

    private static void Run(int n, int[] order, int[] contacts, int[] pauses, int[]? ticks, int seed)
    {
        var net = new FullMeshNetwork(n, seed);
        var joins = new List<string>();
        for (var k = 1; k < n; k++)
        {
            var joiner = order[k];
            var contact = order[contacts[k] % k];
            net.Join(joiner, contact);
            joins.Add($"n{joiner}>n{contact}");
            net.Steps(pauses[k]);
            if (ticks?[k] == 0)
            {
                net.Tick();
                joins.Add("tick");
            }
        }

        var scenario = $"joins {string.Join(" ", joins)}";
        net.RunToQuiescence();
        FullMeshAssert.Converged(net, scenario);

        // Converged means stable: a round of ticks changes nothing.
        var events = net.Alive.Sum(x => x.Events.Count);
        net.Tick();
        net.RunToQuiescence();
        FullMeshAssert.Converged(net, scenario + " + tick");
        Assert.True(events == net.Alive.Sum(x => x.Events.Count), $"a tick after convergence changed membership ({FullMeshAssert.Describe(net, scenario)})");
        foreach (var node in net.Alive)
        {
            var joined = node.Events.OfType<MemberJoinedEffect>().Select(e => e.Member.Name.Value).ToList();
            Assert.True(
                joined.Order().SequenceEqual(node.MemberNames.Where(m => m != node.Name.Value).Order()),
                $"{node.Name} reported joins [{string.Join(",", joined)}] ({FullMeshAssert.Describe(net, scenario)})");
        }
    }
}

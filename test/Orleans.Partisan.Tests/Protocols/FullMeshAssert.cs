using Orleans.Partisan.Protocols;

namespace Orleans.Partisan.Tests.Protocols;

/// <summary>Assertions and scenario builders over a <see cref="FullMeshNetwork"/>; every failure names the seed.</summary>
internal static class FullMeshAssert
{
    /// <summary>A network of <paramref name="n"/> nodes where each of n1.. joined a random earlier node, run to quiescence.</summary>
    public static FullMeshNetwork Cluster(int n, int seed)
    {
        var net = new FullMeshNetwork(n, seed);
        var choices = new Random(seed);
        for (var i = 1; i < n; i++)
        {
            net.Join(i, choices.Next(i));
        }

        net.RunToQuiescence();
        Converged(net, $"initial cluster of {n}");
        return net;
    }

    public static string Describe(FullMeshNetwork net, string scenario)
        => $"seed {net.Seed}, {scenario}; nodes: {string.Join(" | ", Enumerable.Range(0, net.Count).Select(i => net[i].ToString()))}";

    /// <summary>Every live node's members are exactly the live nodes, and each has an open connection to every other.</summary>
    public static void Converged(FullMeshNetwork net, string scenario)
    {
        var expected = net.Alive.Select(n => n.Name.Value).ToHashSet();
        foreach (var node in net.Alive)
        {
            Assert.True(
                node.MemberNames.SetEquals(expected),
                $"{node.Name} has members [{string.Join(",", node.MemberNames.Order())}], expected [{string.Join(",", expected.Order())}] ({Describe(net, scenario)})");
            foreach (var other in net.Alive.Where(o => o.Name != node.Name))
            {
                Assert.True(
                    net.IsConnected(node, other),
                    $"{node.Name} is not connected to {other.Name} ({Describe(net, scenario)})");
            }
        }
    }

    public static void LacksMember(FullMeshNetwork net, FullMeshNetwork.Node node, NodeName absent, string scenario)
        => Assert.False(
            node.MemberNames.Contains(absent.Value),
            $"{node.Name} still has {absent} as a member ({Describe(net, scenario)})");

    public static void HasEvent(FullMeshNetwork net, FullMeshNetwork.Node node, PeerServiceEffect expected, string scenario)
        => Assert.True(
            node.Events.Contains(expected),
            $"{node.Name} did not get {expected}; it got [{string.Join(", ", node.Events)}] ({Describe(net, scenario)})");
}

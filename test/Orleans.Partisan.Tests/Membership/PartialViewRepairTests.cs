using Orleans.Partisan.Membership;

namespace Orleans.Partisan.Tests.Membership;

public sealed class PartialViewRepairTests
{
    [Fact]
    public void Components_take_links_both_ways_and_count_an_isolated_node_alone()
    {
        NodeName N(int i) => new($"n{i}");
        var views = new Dictionary<NodeName, IReadOnlyList<NodeName>>
        {
            [N(0)] = [],                 // isolated: nobody links to it
            [N(1)] = [N(2)],
            [N(2)] = [],                 // linked only from n1: still one component
            [N(3)] = [N(4), N(9)],       // n9 is not an active silo: ignored
            [N(4)] = [N(3)],
        };

        var components = PartialViewRepair.Components(views).Select(c => string.Join(",", c.Order())).ToList();
        Assert.Equal(["n0", "n1,n2", "n3,n4"], components);
    }
}

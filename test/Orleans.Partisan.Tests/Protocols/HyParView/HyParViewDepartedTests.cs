using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.HyParView;
using static Orleans.Partisan.Tests.Protocols.HyParView.HyParViewTestKit;

namespace Orleans.Partisan.Tests.Protocols.HyParView;

/// <summary>A node known to have left is not taken back from other nodes' shuffles, but may join again itself.</summary>
public sealed class HyParViewDepartedTests
{
    [Fact]
    public void A_removed_node_arriving_in_a_shuffle_is_not_learned_but_its_own_join_is_taken()
    {
        var core = NewCore(3).WithNeighbours(2).WithPassive(31);
        Assert.Contains(Name(31), core.PassiveView.Select(s => s.Name));

        core.Leave(Name(31));   // e.g. Orleans declared that silo dead
        Assert.DoesNotContain(Name(31), core.PassiveView.Select(s => s.Name));

        // A shuffle walk ending here still carries the departed node among its entries.
        var effects = core.Handle(Name(2), new HyParViewShuffle(Spec(2), 1, 9, [Spec(31), Spec(21)], Ttl: 0, [Name(0), Name(2)]));
        Assert.Contains(Name(21), core.PassiveView.Select(s => s.Name));
        Assert.DoesNotContain(Name(31), core.Members.Select(s => s.Name));
        Assert.DoesNotContain(effects, e => e is MemberJoinedEffect joined && joined.Member.Name == Name(31));

        // The node itself coming back is welcome.
        core.Befriend(31, epoch: 5);
        Assert.Contains(Name(31), core.ActiveView.Select(s => s.Name));
    }

    [Fact]
    public void A_leaving_disconnect_makes_the_neighbour_departed_too()
    {
        var core = NewCore(3).WithNeighbours(2, 4);
        core.Handle(Name(4), new HyParViewDisconnect(Spec(4), 1, Leaving: true));
        Assert.DoesNotContain(Name(4), core.Members.Select(s => s.Name));

        core.Handle(Name(2), new HyParViewShuffle(Spec(2), 1, 9, [Spec(4)], Ttl: 0, [Name(0), Name(2)]));
        Assert.DoesNotContain(Name(4), core.Members.Select(s => s.Name));
    }
}

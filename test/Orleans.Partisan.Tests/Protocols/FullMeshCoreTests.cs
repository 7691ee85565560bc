using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.FullMesh;

namespace Orleans.Partisan.Tests.Protocols;

/// <summary>One <see cref="FullMeshCore"/> driven by hand, effect by effect.</summary>
public sealed class FullMeshCoreTests
{
    private static readonly NodeSpec N0 = FullMeshNetwork.SpecFor(0, "n0");
    private static readonly NodeSpec N1 = FullMeshNetwork.SpecFor(1, "n1");
    private static readonly NodeSpec N2 = FullMeshNetwork.SpecFor(2, "n2");
    private static readonly NodeSpec N3 = FullMeshNetwork.SpecFor(3, "n3");
    private static readonly NodeSpec Stranger = FullMeshNetwork.SpecFor(9, "n9");

    /// <summary>n0 that learned n1, n2 and n3 from a gossip of n1.</summary>
    private static FullMeshCore MemberOfFour()
    {
        var core = new FullMeshCore(N0, TimeSpan.FromSeconds(10));
        var state = OrSet<NodeSpec>.Empty
            .Add(N1, new Dot(N1.Name, 1))
            .Add(N0, new Dot(N1.Name, 2))
            .Add(N2, new Dot(N1.Name, 3))
            .Add(N3, new Dot(N1.Name, 4));
        core.Handle(N1.Name, new FullMeshGossip(state));
        Assert.Equal(["n0", "n1", "n2", "n3"], core.Members.Select(m => m.Name.Value).Order());
        return core;
    }

    [Fact]
    public void A_new_core_is_a_member_of_itself_only()
    {
        var core = new FullMeshCore(N0, TimeSpan.FromSeconds(10));
        Assert.Equal([N0], core.Members);
        Assert.True(core.State.Contains(N0));
        Assert.Empty(core.OnTimer(FullMeshTimer.Gossip.Instance));
    }

    [Fact]
    public void Join_adds_the_contact_connects_and_sends_the_state_to_it()
    {
        var core = new FullMeshCore(N0, TimeSpan.FromSeconds(10));
        var effects = core.Join(N1);

        Assert.Contains(new MemberJoinedEffect(N1), effects);
        Assert.Contains(new ConnectEffect(N1), effects);
        var send = Assert.Single(effects.OfType<SendEffect>());
        Assert.Equal(N1.Name, send.To);
        var gossip = Assert.IsType<FullMeshGossip>(send.Message);
        Assert.Equal(core.State, gossip.State);
        Assert.Equal(["n0", "n1"], core.Members.Select(m => m.Name.Value).Order());

        // The contact is a member here, but only the contact adds itself to the replicated state: in its answer.
        Assert.True(gossip.State.Contains(N0));
        Assert.False(gossip.State.Contains(N1));
        var answer = OrSet<NodeSpec>.Empty.Add(N1, new Dot(N1.Name, 1)).Merge(gossip.State);
        core.Handle(N1.Name, new FullMeshGossip(answer));
        Assert.True(core.State.Contains(N1));
        Assert.Equal(2, core.State.Adds.Count);
        Assert.Equal(["n0", "n1"], core.Members.Select(m => m.Name.Value).Order());
    }

    [Fact]
    public void A_contact_that_is_left_before_it_answered_is_no_member_any_more()
    {
        var core = new FullMeshCore(N0, TimeSpan.FromSeconds(10));
        core.Join(N1);

        var effects = core.Leave(N1.Name);

        Assert.Contains(new MemberLeftEffect(N1), effects);
        Assert.Contains(new DisconnectEffect(N1.Name), effects);
        Assert.Equal([N0], core.Members);
    }

    [Fact]
    public void Join_self_does_nothing()
    {
        var core = new FullMeshCore(N0, TimeSpan.FromSeconds(10));
        var before = core.State;
        Assert.Empty(core.Join(N0));
        Assert.Same(before, core.State);
        Assert.Equal([N0], core.Members);
    }

    [Fact]
    public void Tick_gossips_to_every_other_member_and_reconnects_to_each()
    {
        var core = MemberOfFour();
        var effects = core.OnTimer(FullMeshTimer.Gossip.Instance);

        Assert.Equal(["n1", "n2", "n3"], effects.OfType<ConnectEffect>().Select(c => c.Peer.Name.Value).Order());
        Assert.Equal([N1, N2, N3], effects.OfType<ConnectEffect>().Select(c => c.Peer).OrderBy(p => p.Name));
        var sends = effects.OfType<SendEffect>().ToList();
        Assert.Equal(["n1", "n2", "n3"], sends.Select(s => s.To.Value).Order());
        Assert.All(sends, s => Assert.Equal(core.State, Assert.IsType<FullMeshGossip>(s.Message).State));
        Assert.Equal(6, effects.Count);
    }

    [Fact]
    public void PeerUp_of_a_member_sends_it_the_state()
    {
        var core = MemberOfFour();
        var send = Assert.IsType<SendEffect>(Assert.Single(core.PeerUp(N2.Name)));
        Assert.Equal(N2.Name, send.To);
        Assert.Equal(core.State, Assert.IsType<FullMeshGossip>(send.Message).State);
    }

    [Fact]
    public void PeerUp_of_a_stranger_or_of_itself_does_nothing()
    {
        var core = MemberOfFour();
        Assert.Empty(core.PeerUp(Stranger.Name));
        Assert.Empty(core.PeerUp(N0.Name));
    }

    [Fact]
    public void Gossip_that_adds_nothing_and_lacks_nothing_causes_no_effects()
    {
        var core = MemberOfFour();
        Assert.Empty(core.Handle(N2.Name, new FullMeshGossip(core.State)));
    }

    [Fact]
    public void Gossip_with_a_new_member_is_forwarded_to_the_others_and_answered_when_the_sender_lacked_something()
    {
        var core = MemberOfFour();
        var n4 = FullMeshNetwork.SpecFor(4, "n4");

        // n2 knows n4 and n0 but not n1 or n3: n0 merges, reports n4, forwards to n1 and n3,
        // and answers n2 since n2 lacked n1 and n3.
        var fromN2 = OrSet<NodeSpec>.Empty
            .Add(N2, new Dot(N2.Name, 1))
            .Add(N0, new Dot(N2.Name, 2))
            .Add(n4, new Dot(n4.Name, 1));
        var effects = core.Handle(N2.Name, new FullMeshGossip(fromN2));

        Assert.Contains(new MemberJoinedEffect(n4), effects);
        Assert.Contains(new ConnectEffect(n4), effects);
        Assert.Equal(["n1", "n2", "n3", "n4"], effects.OfType<SendEffect>().Select(s => s.To.Value).Order());
        Assert.All(effects.OfType<SendEffect>(), s => Assert.Equal(core.State, Assert.IsType<FullMeshGossip>(s.Message).State));
        Assert.Contains(n4, core.Members);
    }

    [Fact]
    public void Gossip_showing_this_node_removed_makes_it_leave()
    {
        var core = MemberOfFour();
        var removal = new FullMeshGossip(core.State.Remove(s => s.Name == N0.Name));
        var effects = core.Handle(N2.Name, removal);

        Assert.Equal(new SelfLeftEffect(N2.Name), effects.OfType<SelfLeftEffect>().Single());
        Assert.Equal([N1, N2, N3], effects.OfType<MemberLeftEffect>().Select(e => e.Member).OrderBy(m => m.Name));
        Assert.Equal(["n1", "n2", "n3"], effects.OfType<DisconnectEffect>().Select(e => e.Peer.Value).Order());
        Assert.Equal([N0], core.Members);
        Assert.Empty(core.OnTimer(FullMeshTimer.Gossip.Instance));
    }

    [Fact]
    public void Leave_self_tells_every_member_then_disconnects_and_reports_self_left()
    {
        var core = MemberOfFour();
        var effects = core.Leave(N0.Name);

        var sends = effects.OfType<SendEffect>().ToList();
        Assert.Equal(["n1", "n2", "n3"], sends.Select(s => s.To.Value).Order());
        Assert.All(sends, s => Assert.False(Assert.IsType<FullMeshGossip>(s.Message).State.Contains(N0)));
        Assert.All(sends, s => Assert.True(Assert.IsType<FullMeshGossip>(s.Message).State.Contains(N1)));

        // Every send comes before the disconnect from its recipient.
        foreach (var send in sends)
        {
            var disconnect = effects.ToList().FindIndex(e => e is DisconnectEffect d && d.Peer == send.To);
            Assert.True(disconnect > effects.ToList().IndexOf(send), $"disconnect from {send.To} before the send to it");
        }

        Assert.Equal(new SelfLeftEffect(N0.Name), effects[^1]);
        Assert.Equal([N0], core.Members);
    }

    [Fact]
    public void Leave_of_another_node_removes_it_and_gossips_the_removal_to_the_rest()
    {
        var core = MemberOfFour();
        var effects = core.Leave(N2.Name);

        Assert.Contains(new MemberLeftEffect(N2), effects);
        Assert.Contains(new DisconnectEffect(N2.Name), effects);
        Assert.Equal(["n0", "n1", "n3"], core.Members.Select(m => m.Name.Value).Order());
        Assert.False(core.State.Contains(N2));
        var toRest = effects.OfType<SendEffect>().Where(s => s.To != N2.Name).Select(s => s.To.Value).Order();
        Assert.Equal(["n1", "n3"], toRest);
        Assert.DoesNotContain(effects, e => e is SelfLeftEffect);
    }

    [Fact]
    public void Leave_of_an_unknown_node_does_nothing()
    {
        var core = MemberOfFour();
        var before = core.State;
        Assert.Empty(core.Leave(Stranger.Name));
        Assert.Same(before, core.State);
    }

    [Fact]
    public void Only_gossip_is_a_protocol_message_and_anything_else_is_ignored()
    {
        var core = MemberOfFour();
        Assert.True(core.IsProtocolMessage(new FullMeshGossip(core.State)));
        Assert.False(core.IsProtocolMessage("hello"));
        Assert.Empty(core.Handle(N1.Name, "hello"));
        Assert.Equal(4, core.Members.Count);
    }
}

using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.Static;

namespace Orleans.Partisan.Tests.Protocols.Static;

/// <summary>One <see cref="StaticCore"/> driven by hand: probes, connections, backoff, replacement and leave.</summary>
public sealed class StaticCoreTests
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(10);
    private static readonly NodeSpec Self = FullMeshNetwork.SpecFor(0, "a");
    private static readonly NodeSpec B = FullMeshNetwork.SpecFor(1, "b");
    private static readonly NodeSpec C = FullMeshNetwork.SpecFor(2, "c");
    private static readonly NodeSpec BRestarted = FullMeshNetwork.SpecFor(1, "b2");
    private static readonly NodeSpec Stranger = FullMeshNetwork.SpecFor(9, "x");

    private static string EndpointOf(NodeSpec spec) => spec.ListenAddresses[0].ToString();

    private static StaticCore Core(int seed = 1) => new(Self, [EndpointOf(Self), EndpointOf(B), EndpointOf(C)], Retry, MaxRetry, new Random(seed));

    private static TimeSpan RetryDue(IReadOnlyList<PeerServiceEffect> effects, NodeSpec at)
        => Assert.Single(effects.OfType<ArmTimerEffect>(), a => a.Timer == new StaticTimer.Retry(EndpointOf(at))).Due;

    [Fact]
    public void Start_probes_every_listed_endpoint_but_its_own()
    {
        var core = Core();
        Assert.Equal([new ProbeEffect(EndpointOf(B)), new ProbeEffect(EndpointOf(C))], core.Start());
        Assert.Equal([Self], core.Members);
    }

    [Fact]
    public void A_node_found_at_an_endpoint_joins_and_is_connected_and_one_not_found_is_probed_again_with_growing_waits()
    {
        var core = Core();
        core.Start();

        var found = core.Probed(EndpointOf(B), B);
        Assert.Contains(new MemberJoinedEffect(B), found);
        Assert.Contains(new ConnectEffect(B), found);
        Assert.Equal(["a", "b"], core.Members.Select(m => m.Name.Value).Order());

        // Nobody at c's endpoint: probe again after a wait that doubles per failure, never above the maximum.
        var waits = new List<TimeSpan>();
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var failed = core.Probed(EndpointOf(C), null);
            waits.Add(RetryDue(failed, C));
            Assert.Equal([new ProbeEffect(EndpointOf(C))], core.OnTimer(new StaticTimer.Retry(EndpointOf(C))));
        }

        Assert.All(waits, w => Assert.InRange(w, Retry / 2, MaxRetry));
        Assert.InRange(waits[0], Retry / 2, Retry);
        Assert.InRange(waits[2], Retry * 2, Retry * 4);
        Assert.InRange(waits[^1], MaxRetry / 2, MaxRetry);
    }

    [Fact]
    public void A_connected_node_is_not_probed_and_a_lost_one_is_probed_again_after_the_first_wait()
    {
        var core = Core();
        core.Start();
        core.Probed(EndpointOf(B), B);
        Assert.Empty(core.PeerUp(B.Name));
        Assert.Empty(core.OnTimer(new StaticTimer.Retry(EndpointOf(B))));

        var down = core.PeerDown(B.Name);
        Assert.InRange(RetryDue(down, B), Retry / 2, Retry);
        Assert.Equal([new ProbeEffect(EndpointOf(B))], core.OnTimer(new StaticTimer.Retry(EndpointOf(B))));

        // The same node answers: it stays the member (the transport redials it), and is looked at again later.
        var same = core.Probed(EndpointOf(B), B);
        Assert.DoesNotContain(same, e => e is MemberJoinedEffect or MemberLeftEffect or ConnectEffect or DisconnectEffect);
        Assert.Single(same.OfType<ArmTimerEffect>());
    }

    [Fact]
    public void A_new_node_at_a_listed_endpoint_replaces_the_old_one()
    {
        var core = Core();
        core.Start();
        core.Probed(EndpointOf(B), B);
        core.PeerUp(B.Name);
        core.PeerDown(B.Name);

        var replaced = core.Probed(EndpointOf(B), BRestarted);

        Assert.Equal(
            [new MemberLeftEffect(B), new DisconnectEffect(B.Name), new MemberJoinedEffect(BRestarted), new ConnectEffect(BRestarted)],
            replaced.Where(e => e is not ArmTimerEffect));
        Assert.Equal(["a", "b2"], core.Members.Select(m => m.Name.Value).Order());
    }

    [Fact]
    public void Members_are_never_removed_by_others_and_only_listed_nodes_can_be_joined()
    {
        var core = Core();
        core.Start();
        core.Probed(EndpointOf(B), B);

        Assert.Empty(core.Leave(B.Name));
        Assert.Empty(core.Join(Stranger));
        Assert.Contains(new ConnectEffect(C), core.Join(C));
        Assert.Equal(["a", "b", "c"], core.Members.Select(m => m.Name.Value).Order());
    }

    [Fact]
    public void A_leave_tells_the_connected_members_and_they_drop_it_and_look_for_its_successor()
    {
        var core = Core();
        core.Start();
        core.Probed(EndpointOf(B), B);
        core.PeerUp(B.Name);
        core.Probed(EndpointOf(C), C);

        var leaving = core.Leave(Self.Name);
        Assert.Equal([new SendEffect(B.Name, StaticLeaving.Instance)], leaving.OfType<SendEffect>());
        Assert.Equal(["b", "c"], leaving.OfType<DisconnectEffect>().Select(d => d.Peer.Value).Order());
        Assert.Equal(new SelfLeftEffect(Self.Name), leaving[^1]);
        Assert.Equal([Self], core.Members);
        Assert.Empty(core.OnTimer(new StaticTimer.Retry(EndpointOf(C))));

        // B's side: the leave is a departure, not a failure; B probes the endpoint again for the next node there.
        var other = new StaticCore(B, [EndpointOf(Self), EndpointOf(B)], Retry, MaxRetry, new Random(2));
        other.Start();
        other.Probed(EndpointOf(Self), Self);
        other.PeerUp(Self.Name);
        var told = other.Handle(Self.Name, StaticLeaving.Instance);
        Assert.Equal([new MemberLeftEffect(Self), new DisconnectEffect(Self.Name)], told.Where(e => e is not ArmTimerEffect));
        Assert.Single(told.OfType<ArmTimerEffect>());
        Assert.Equal([B], other.Members);
    }

    [Fact]
    public void The_same_seed_draws_the_same_waits()
    {
        var first = Core(seed: 7);
        var second = Core(seed: 7);
        var waits = Enumerable.Range(0, 6).Select(first.RetryDelay).ToList();
        Assert.Equal(waits, Enumerable.Range(0, 6).Select(second.RetryDelay));
    }
}

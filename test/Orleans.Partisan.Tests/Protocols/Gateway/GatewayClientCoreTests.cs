using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.Gateway;

namespace Orleans.Partisan.Tests.Protocols.Gateway;

/// <summary>One <see cref="GatewayClientCore"/> driven by hand, effect by effect.</summary>
public sealed class GatewayClientCoreTests
{
    private static readonly TimeSpan Renew = TimeSpan.FromSeconds(5);
    private static readonly NodeSpec Client = FullMeshNetwork.SpecFor(10, "client:c1");
    private static readonly NodeSpec S1 = FullMeshNetwork.SpecFor(1, "s1");
    private static readonly NodeSpec S2 = FullMeshNetwork.SpecFor(2, "s2");
    private static readonly NodeSpec S3 = FullMeshNetwork.SpecFor(3, "s3");

    private static GatewayClientCore Core(int gateways = 1) => new(Client, gateways, Renew);

    /// <summary>The silo that rendezvous hashing ranks first for <see cref="Client"/> among <paramref name="silos"/>.</summary>
    private static NodeSpec Preferred(params NodeSpec[] silos) => silos.MaxBy(s => GatewayClientCore.Score(Client.Name, s.Name))!;

    [Fact]
    public void Start_arms_the_periodic_renewal()
        => Assert.Equal([new ArmTimerEffect(GatewayTimer.Renew.Instance, Renew, Periodic: true)], Core().Start());

    [Fact]
    public void Join_learns_the_silo_attaches_to_it_and_the_client_is_a_neighbour_of_its_gateway_only()
    {
        var core = Core();
        var effects = core.Join(S1);

        Assert.Equal([new MemberJoinedEffect(S1), new ConnectEffect(S1), new SendEffect(S1.Name, new GatewayAttach(Client, Renew))], effects);
        Assert.True(core.IsNeighbor(S1.Name));

        // A second silo is learned but not attached to: one gateway is wanted.
        Assert.Equal([new MemberJoinedEffect(S2)], core.Join(S2));
        Assert.False(core.IsNeighbor(S2.Name));
        Assert.Equal([Client.Name, S1.Name, S2.Name], core.Members.Select(m => m.Name).Order());
    }

    [Fact]
    public void With_several_known_silos_the_gateways_are_the_ones_rendezvous_hashing_prefers()
    {
        var core = Core(gateways: 2);
        Assert.True(core.IsProtocolMessage(new GatewayWelcome([S1])));
        core.Join(S1);
        core.Handle(S1.Name, new GatewayWelcome([S1, S2, S3]));

        Assert.Equal(2, core.Gateways.Count);
        Assert.Contains(S1.Name, core.Gateways);
        Assert.Equal([S1, S2, S3], core.Members.Where(m => m.Name != Client.Name).OrderBy(m => m.Name));
    }

    [Fact]
    public void A_lost_gateway_is_replaced_at_once_and_tried_again_only_when_no_other_is_left()
    {
        var core = Core();
        core.Join(S1);
        core.Handle(S1.Name, new GatewayWelcome([S1, S2]));
        var first = core.Gateways.Single();
        var other = first == S1.Name ? S2 : S1;

        var effects = core.PeerDown(first);

        Assert.Equal([new DisconnectEffect(first), new ConnectEffect(other), new SendEffect(other.Name, new GatewayAttach(Client, Renew))], effects);
        Assert.Equal([other.Name], core.Gateways);

        // The second is lost too: nothing is left to pick until the renewal tries the lost ones again.
        Assert.Equal([new DisconnectEffect(other.Name)], core.PeerDown(other.Name));
        Assert.Empty(core.Gateways);
        var renewal = core.OnTimer(GatewayTimer.Renew.Instance);
        Assert.Equal(2, renewal.Count);
        var retried = Assert.IsType<ConnectEffect>(renewal[0]).Peer;
        Assert.Equal(Preferred(S1, S2), retried);
        Assert.Equal(new SendEffect(retried.Name, new GatewayAttach(Client, Renew)), renewal[1]);
    }

    [Fact]
    public void The_renewal_sends_the_attachment_again_to_every_gateway()
    {
        var core = Core(gateways: 2);
        core.Join(S1);
        core.Join(S2);

        var renewal = core.OnTimer(GatewayTimer.Renew.Instance);

        Assert.Equal(new[] { S1.Name, S2.Name }.Select(s => (PeerServiceEffect)new SendEffect(s, new GatewayAttach(Client, Renew))).ToHashSet(), renewal.ToHashSet());
    }

    [Fact]
    public void A_welcome_that_no_longer_lists_a_silo_removes_it_and_detaches_from_it_if_it_was_a_gateway()
    {
        var core = Core(gateways: 2);
        core.Join(S1);
        core.Join(S2);

        var effects = core.Handle(S1.Name, new GatewayWelcome([S1, S3]));

        Assert.Contains(new DisconnectEffect(S2.Name), effects);
        Assert.Contains(new MemberLeftEffect(S2), effects);
        Assert.Contains(new MemberJoinedEffect(S3), effects);
        Assert.Contains(new ConnectEffect(S3), effects);
        Assert.Equal([S1.Name, S3.Name], core.Gateways.Order());
    }

    [Fact]
    public void A_welcome_from_a_node_that_is_not_a_gateway_is_ignored()
    {
        var core = Core();
        core.Join(S1);

        Assert.Empty(core.Handle(S3.Name, new GatewayWelcome([S3])));
        Assert.DoesNotContain(S3.Name, core.Members.Select(m => m.Name));
    }

    [Fact]
    public void Leaving_detaches_from_every_gateway_and_stops_renewing()
    {
        var core = Core();
        core.Join(S1);

        Assert.Equal([new DisconnectEffect(S1.Name), new SelfLeftEffect(Client.Name)], core.Leave(Client.Name));
        Assert.Empty(core.OnTimer(GatewayTimer.Renew.Instance));
        Assert.Empty(core.PeerDown(S1.Name));
    }

    [Fact]
    public void The_last_welcome_of_a_leaving_gateway_which_lists_the_others_but_not_itself_moves_the_client_at_once()
    {
        var core = Core();
        core.Join(S1);
        core.Handle(S1.Name, new GatewayWelcome([S1, S2, S3]));
        var gateway = core.Gateways.Single();
        var others = new[] { S1, S2, S3 }.Where(s => s.Name != gateway).ToArray();
        var leaving = new[] { S1, S2, S3 }.Single(s => s.Name == gateway);

        var effects = core.Handle(gateway, new GatewayWelcome(others));

        var next = Preferred(others);
        Assert.Equal([new MemberLeftEffect(leaving), new DisconnectEffect(gateway), new ConnectEffect(next), new SendEffect(next.Name, new GatewayAttach(Client, Renew))], effects);
        Assert.Equal([next.Name], core.Gateways);
        Assert.Equal(others.Select(s => s.Name).Append(Client.Name).Order(), core.Members.Select(m => m.Name).Order());
    }

    [Fact]
    public void A_gateway_that_never_welcomes_is_given_up_at_the_third_renewal_and_the_next_silo_is_attached()
    {
        var core = Core();
        core.Join(S1);
        core.Handle(S1.Name, new GatewayWelcome([S1, S2, S3]));
        var first = core.Gateways.Single();

        // The connection is lost; the next silo is picked, and its dial never succeeds (it died before the client heard of it).
        core.PeerDown(first);
        var silent = core.Gateways.Single();
        var attach = new SendEffect(silent, new GatewayAttach(Client, Renew));
        Assert.Equal([attach], core.OnTimer(GatewayTimer.Renew.Instance));
        Assert.Equal([attach], core.OnTimer(GatewayTimer.Renew.Instance));

        var third = core.OnTimer(GatewayTimer.Renew.Instance);

        var last = new[] { S1, S2, S3 }.Single(s => s.Name != first && s.Name != silent);
        Assert.Equal([new DisconnectEffect(silent), new ConnectEffect(last), new SendEffect(last.Name, new GatewayAttach(Client, Renew))], third);
        Assert.Equal([last.Name], core.Gateways);
    }

    [Fact]
    public void A_gateway_that_welcomes_the_client_in_time_is_kept()
    {
        var core = Core();
        core.Join(S1);
        core.OnTimer(GatewayTimer.Renew.Instance);
        core.OnTimer(GatewayTimer.Renew.Instance);
        core.Handle(S1.Name, new GatewayWelcome([S1, S2]));

        for (var i = 0; i < GatewayClientCore.WelcomeRenewals * 2; i++)
        {
            Assert.Equal([new SendEffect(S1.Name, new GatewayAttach(Client, Renew))], core.OnTimer(GatewayTimer.Renew.Instance));
        }

        Assert.Equal([S1.Name], core.Gateways);
    }

    /// <summary>
    /// Issue 13's flake: the gateway, leaving as its silo was killed, welcomed the client with its shrinking member list (itself
    /// only), so when its connection dropped the client knew no other silo and redialled the dead one, which never answered.
    /// The renewal now gives the dead one up, and a silo learned since (the client's rediscovery from the cluster) is attached.
    /// </summary>
    [Fact]
    public void A_client_whose_only_known_silo_is_dead_gives_it_up_and_attaches_to_a_silo_learned_since()
    {
        var core = Core();
        core.Join(S1);
        core.Handle(S1.Name, new GatewayWelcome([S1, S2]));
        var gateway = core.Gateways.Single();
        var other = gateway == S1.Name ? S2 : S1;
        core.Handle(gateway, new GatewayWelcome([.. new[] { S1, S2 }.Where(s => s.Name == gateway)]));
        Assert.Equal([new DisconnectEffect(gateway)], core.PeerDown(gateway));

        // No other silo is known: the renewal dials the dead one again.
        var retry = core.OnTimer(GatewayTimer.Renew.Instance);
        Assert.Equal(gateway, Assert.IsType<ConnectEffect>(retry[0]).Peer.Name);
        Assert.Equal([new MemberJoinedEffect(other)], core.Join(other));

        core.OnTimer(GatewayTimer.Renew.Instance);
        core.OnTimer(GatewayTimer.Renew.Instance);
        var third = core.OnTimer(GatewayTimer.Renew.Instance);

        Assert.Equal([new DisconnectEffect(gateway), new ConnectEffect(other), new SendEffect(other.Name, new GatewayAttach(Client, Renew))], third);
        Assert.Equal([other.Name], core.Gateways);
    }

    [Fact]
    public void The_rendezvous_score_is_FNV_1a_of_both_names_the_same_in_every_process()
        => Assert.Equal(17746027096638639174UL, GatewayClientCore.Score(new NodeName("client:a"), new NodeName("s")));
}

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.ClientServer;
using Orleans.Partisan.Protocols.FullMesh;
using Orleans.Serialization;

namespace Orleans.Partisan.Tests.Protocols.ClientServer;

/// <summary>One <see cref="ClientServerCore"/> driven by hand, effect by effect.</summary>
public sealed class ClientServerCoreTests
{
    private static readonly TimeSpan Gossip = TimeSpan.FromSeconds(10);
    private static readonly NodeSpec S1 = FullMeshNetwork.SpecFor(1, "s1");
    private static readonly NodeSpec S2 = FullMeshNetwork.SpecFor(2, "s2");
    private static readonly NodeSpec C1 = FullMeshNetwork.SpecFor(3, "c1");
    private static readonly NodeSpec C2 = FullMeshNetwork.SpecFor(4, "c2");

    private static ClientServerCore Server(NodeSpec self) => new(self, PartisanNodeRole.Server, Gossip);

    private static ClientServerCore Client(NodeSpec self) => new(self, PartisanNodeRole.Client, Gossip);

    /// <summary>A state in which each of <paramref name="members"/> added itself with its role.</summary>
    private static OrSet<ClientServerMember> StateOf(params (NodeSpec Spec, PartisanNodeRole Role)[] members)
    {
        var state = OrSet<ClientServerMember>.Empty;
        foreach (var (spec, role) in members)
        {
            state = state.Add(new ClientServerMember(spec, role), new Dot(spec.Name, 1));
        }

        return state;
    }

    private static ClientServerGossip GossipOf(params (NodeSpec Spec, PartisanNodeRole Role)[] members) => new(StateOf(members));

    private static List<string> Names(IEnumerable<NodeSpec> specs) => [.. specs.Select(s => s.Name.Value).Order()];

    [Fact]
    public void Join_makes_the_contact_a_neighbour_connects_and_sends_the_state_but_adds_no_member_for_it()
    {
        var client = Client(C1);
        var effects = client.Join(S1);

        Assert.Equal([new ConnectEffect(S1)], effects.OfType<ConnectEffect>());
        var send = Assert.Single(effects.OfType<SendEffect>());
        Assert.Equal(S1.Name, send.To);
        Assert.True(Assert.IsType<ClientServerGossip>(send.Message).State.Contains(new ClientServerMember(C1, PartisanNodeRole.Client)));
        Assert.Equal(["c1"], Names(client.Members));
        Assert.True(client.IsNeighbor(S1.Name));
    }

    [Fact]
    public void A_client_learns_every_member_and_connects_to_the_servers_only()
    {
        var client = Client(C1);
        var effects = client.Handle(S1.Name, GossipOf((S1, PartisanNodeRole.Server), (S2, PartisanNodeRole.Server), (C2, PartisanNodeRole.Client)));

        Assert.Equal(["c1", "c2", "s1", "s2"], Names(client.Members));
        Assert.Equal(["c2", "s1", "s2"], Names(effects.OfType<MemberJoinedEffect>().Select(e => e.Member)));
        Assert.Equal(["s1", "s2"], Names(effects.OfType<ConnectEffect>().Select(e => e.Peer)));
        Assert.False(client.IsNeighbor(C2.Name));
        Assert.True(client.IsNeighbor(S2.Name));

        // The sender lacked the client: the merged state goes back to it, and the news to the other server, never to c2.
        var sends = effects.OfType<SendEffect>().ToList();
        Assert.Equal(["s1", "s2"], sends.Select(s => s.To.Value).Order());
        Assert.All(sends, s => Assert.True(Assert.IsType<ClientServerGossip>(s.Message).State.Contains(new ClientServerMember(C1, PartisanNodeRole.Client))));
        Assert.Equal(PartisanNodeRole.Client, client.Roles[C2.Name]);
    }

    [Fact]
    public void A_server_connects_to_every_member_clients_included()
    {
        var server = Server(S1);
        var effects = server.Handle(S2.Name, GossipOf((S2, PartisanNodeRole.Server), (C1, PartisanNodeRole.Client), (C2, PartisanNodeRole.Client)));

        Assert.Equal(["c1", "c2", "s2"], Names(effects.OfType<ConnectEffect>().Select(e => e.Peer)));
        Assert.True(server.IsNeighbor(C1.Name) && server.IsNeighbor(C2.Name) && server.IsNeighbor(S2.Name));
        Assert.False(server.IsNeighbor(S1.Name));
    }

    [Fact]
    public void The_gossip_timer_redials_and_gossips_to_neighbours_only()
    {
        var client = Client(C1);
        client.Handle(S1.Name, GossipOf((S1, PartisanNodeRole.Server), (S2, PartisanNodeRole.Server), (C2, PartisanNodeRole.Client)));

        var effects = client.OnTimer(ClientServerTimer.Gossip.Instance);

        Assert.Equal(["s1", "s2"], Names(effects.OfType<ConnectEffect>().Select(e => e.Peer)));
        Assert.Equal(["s1", "s2"], effects.OfType<SendEffect>().Select(s => s.To.Value).Order());
        Assert.Equal([new ArmTimerEffect(ClientServerTimer.Gossip.Instance, Gossip, Periodic: true)], client.Start());
    }

    [Fact]
    public void A_client_that_joined_through_a_client_drops_the_connection_once_the_role_is_known()
    {
        var client = Client(C1);
        client.Join(C2);
        Assert.True(client.IsNeighbor(C2.Name));

        var effects = client.Handle(C2.Name, GossipOf((C2, PartisanNodeRole.Client), (C1, PartisanNodeRole.Client)));

        Assert.Contains(new DisconnectEffect(C2.Name), effects);
        Assert.DoesNotContain(effects, e => e is ConnectEffect);
        Assert.DoesNotContain(effects, e => e is SendEffect);
        Assert.False(client.IsNeighbor(C2.Name));
        Assert.Empty(client.Join(C2));
    }

    [Fact]
    public void PeerUp_of_a_neighbour_sends_the_state_and_of_a_fellow_client_nothing()
    {
        var client = Client(C1);
        client.Handle(S1.Name, GossipOf((S1, PartisanNodeRole.Server), (C2, PartisanNodeRole.Client)));

        Assert.IsType<ClientServerGossip>(Assert.IsType<SendEffect>(Assert.Single(client.PeerUp(S1.Name))).Message);
        Assert.Empty(client.PeerUp(C2.Name));
    }

    [Fact]
    public void A_removed_member_is_reported_gone_and_a_client_removed_stops_being_a_member()
    {
        var server = Server(S1);
        server.Handle(C1.Name, GossipOf((C1, PartisanNodeRole.Client), (S1, PartisanNodeRole.Server)));
        var removal = server.Leave(C1.Name);

        // The removed client is told first, then dropped.
        var told = Assert.IsType<SendEffect>(removal[0]);
        Assert.Equal(C1.Name, told.To);
        Assert.Contains(new MemberLeftEffect(C1), removal);
        Assert.Contains(new DisconnectEffect(C1.Name), removal);
        Assert.Equal(["s1"], Names(server.Members));

        var client = Client(C1);
        client.Handle(S1.Name, GossipOf((S1, PartisanNodeRole.Server), (C1, PartisanNodeRole.Client)));
        var stopped = client.Handle(S1.Name, told.Message);
        Assert.Contains(new SelfLeftEffect(S1.Name), stopped);
        Assert.Contains(new DisconnectEffect(S1.Name), stopped);
        Assert.Equal(["c1"], Names(client.Members));
    }

    [Fact]
    public void A_graceful_leave_tells_the_neighbours_and_forgets_every_member()
    {
        var client = Client(C1);
        client.Handle(S1.Name, GossipOf((S1, PartisanNodeRole.Server), (S2, PartisanNodeRole.Server), (C2, PartisanNodeRole.Client)));

        var effects = client.Leave(C1.Name);

        Assert.Equal(["s1", "s2"], effects.OfType<SendEffect>().Select(s => s.To.Value).Order());
        Assert.Equal(["c2", "s1", "s2"], Names(effects.OfType<MemberLeftEffect>().Select(e => e.Member)));
        Assert.Equal(["s1", "s2"], effects.OfType<DisconnectEffect>().Select(d => d.Peer.Value).Order());
        Assert.Equal(new SelfLeftEffect(C1.Name), effects[^1]);
        Assert.Equal(["c1"], Names(client.Members));
    }

    [Fact]
    public void The_gossip_and_its_roles_survive_serialization()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var wide = new NodeSpec(new NodeName("wide"), [new IPEndPoint(IPAddress.IPv6Loopback, 9)], [new KeyValuePair<string, ChannelOptions>("default", new ChannelOptions())]);
        var gossip = GossipOf((S1, PartisanNodeRole.Server), (wide, PartisanNodeRole.Client));

        var copy = Assert.IsType<ClientServerGossip>(serializer.Deserialize<object>(serializer.SerializeToArray<object>(gossip)));

        Assert.Equal(gossip.State, copy.State);
        Assert.Equal(
            [("s1", PartisanNodeRole.Server), ("wide", PartisanNodeRole.Client)],
            copy.State.Elements.Select(m => (m.Name.Value, m.Role)).OrderBy(m => m.Item1));
        Assert.Equal(wide, copy.State.Elements.Single(m => m.Role == PartisanNodeRole.Client).Spec);
    }
}

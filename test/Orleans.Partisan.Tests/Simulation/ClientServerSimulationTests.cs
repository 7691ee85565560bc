using Orleans.Partisan.Protocols.ClientServer;
using Orleans.Partisan.Simulation;
using Xunit.Abstractions;
using static Orleans.Partisan.Tests.Simulation.BroadcastScenario;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary>
/// <see cref="ClientServerCore"/> in the simulator: servers joined to every node (as they follow Orleans' membership),
/// clients joining no one. Checked: every node knows every member; servers are connected to all, clients to every
/// server and to no client; every pair of clients has a server connected to both (the relay the runtime uses); Plumtree
/// over that graph reaches every node, also after a server crashed.
/// </summary>
public sealed class ClientServerSimulationTests(ITestOutputHelper output)
{
    private const int Servers = 3;
    private const int Clients = 12;
    private static readonly TimeSpan GossipInterval = TimeSpan.FromSeconds(10);

    private static Simulator ClientServer(int seed)
    {
        var sim = new Simulator(
            new SimulationOptions { Seed = seed, MinLatency = TimeSpan.FromMilliseconds(1), MaxLatency = TimeSpan.FromMilliseconds(20) },
            static (spec, _) => new ClientServerCore(spec, IsServer(spec.Name) ? PartisanNodeRole.Server : PartisanNodeRole.Client, GossipInterval));
        return sim;
    }

    private static bool IsServer(NodeName name) => name.Value.StartsWith('s');

    private static void AddAndJoin(Simulator sim)
    {
        for (var i = 0; i < Servers; i++)
        {
            sim.AddNode($"s{i}");
        }

        for (var i = 0; i < Clients; i++)
        {
            sim.AddNode($"c{i}");
        }

        // Each server joins every other node, in a random order, as its membership follower does.
        for (var s = 0; s < Servers; s++)
        {
            foreach (var other in Enumerable.Range(0, sim.Count).Where(o => o != s).OrderBy(_ => sim.Random.Next()).ToList())
            {
                sim.Join(s, other);
            }
        }
    }

    private static void AssertClientServerGraph(Simulator sim, string when)
    {
        var live = sim.Live.ToList();
        var names = live.Select(n => n.Name.Value).Order().ToList();
        foreach (var node in live)
        {
            Assert.True(names.SequenceEqual(node.Core.Members.Select(m => m.Name.Value).Order()), $"{when}: {node} knows [{string.Join(",", node.Core.Members.Select(m => m.Name))}] (seed={sim.Seed})");
            foreach (var peer in live.Where(p => p != node))
            {
                var wanted = IsServer(node.Name) || IsServer(peer.Name);
                Assert.True(wanted == sim.IsConnected(node.Index, peer.Index), $"{when}: {node} -> {peer} is {(wanted ? "not connected" : "connected")} (seed={sim.Seed})");
            }
        }

        var clients = live.Where(n => !IsServer(n.Name)).ToList();
        var servers = live.Where(n => IsServer(n.Name)).ToList();
        foreach (var a in clients)
        {
            foreach (var b in clients.Where(b => b != a))
            {
                Assert.True(servers.Any(s => sim.IsConnected(a.Index, s.Index) && sim.IsConnected(s.Index, b.Index)), $"{when}: no server relays {a} -> {b} (seed={sim.Seed})");
            }
        }
    }

    [Fact]
    public void Servers_and_clients_form_the_client_server_graph_and_a_broadcast_reaches_every_node() => SimulationRun.WithSeed(output, 301, seed =>
    {
        var sim = ClientServer(seed);
        var plumtree = AddPlumtree(sim);
        AddAndJoin(sim);
        sim.RunUntilQuiescent();

        AssertClientServerGraph(sim, "after the joins");
        Assert.All(sim.Nodes.Where(n => !IsServer(n.Name)), n => Assert.Equal(Servers, n.ConnectedPeers().Count));

        var fromClient = DeliverToAll(sim, plumtree, root: Servers + 1, maxTicks: 5, "a client's broadcast");
        var fromServer = DeliverToAll(sim, plumtree, root: 0, maxTicks: 5, "a server's broadcast");
        output.WriteLine($"converged at {sim.Now}; broadcasts delivered within {fromClient} and {fromServer} lazy ticks; {sim.Counters}");
    });

    [Fact]
    public void After_a_server_crashes_and_is_removed_the_clients_keep_the_other_servers_and_broadcasts_reach_everyone() => SimulationRun.WithSeed(output, 302, seed =>
    {
        var sim = ClientServer(seed);
        var plumtree = AddPlumtree(sim);
        AddAndJoin(sim);
        sim.RunUntilQuiescent();

        sim.Crash(1);
        sim.RunUntilQuiescent();
        foreach (var node in sim.Live)
        {
            // Orleans declares the silo dead; every follower removes it.
            sim.Remove(node.Index, sim[1].Name);
        }

        sim.RunUntilQuiescent();
        AssertClientServerGraph(sim, "after s1 crashed and was removed");
        DeliverToAll(sim, plumtree, root: Servers + 5, maxTicks: 10, "a client's broadcast after s1 crashed");
    });

    [Fact]
    public void A_client_restarted_under_a_new_name_is_joined_by_the_servers_and_learns_the_members_from_them() => SimulationRun.WithSeed(output, 303, seed =>
    {
        var sim = ClientServer(seed);
        AddAndJoin(sim);
        sim.RunUntilQuiescent();

        var old = sim[Servers + 2].Name;
        var restarted = sim.Restart(Servers + 2, "c-restarted");
        foreach (var node in sim.Live.Where(n => n.Index != restarted))
        {
            sim.Remove(node.Index, old);
        }

        for (var s = 0; s < Servers; s++)
        {
            sim.Join(s, restarted);
        }

        sim.RunUntilQuiescent();
        AssertClientServerGraph(sim, "after a client restarted");
        Assert.Equal(Servers, sim[restarted].ConnectedPeers().Count);
    });
}

using Orleans.Partisan.Protocols;
using Orleans.Partisan.Simulation;
using Xunit.Abstractions;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary>The simulator keeps the promises of <see cref="IPeerServiceCore"/> and the network model it documents.</summary>
public sealed class NetworkSemanticsTests(ITestOutputHelper output)
{
    private static SimulationOptions Options(int seed, int minMs = 1, int maxMs = 50, double loss = 0)
        => new()
        {
            Seed = seed,
            MinLatency = TimeSpan.FromMilliseconds(minMs),
            MaxLatency = TimeSpan.FromMilliseconds(maxMs),
            LossRate = loss,
        };

    [Fact]
    public void Messages_on_one_link_arrive_in_the_order_they_were_sent() => SimulationRun.WithSeed(output, 1, seed =>
    {
        var sim = SimulationRun.Probes(2, Options(seed));
        sim.OpenLink(0, 1);
        var number = 0;
        for (var batch = 0; batch < 50; batch++)
        {
            sim.Do(0, Enumerable.Range(0, 20).Select(_ => (PeerServiceEffect)sim.SendProbe(1, number++)).ToArray());
            sim.RunFor(TimeSpan.FromMilliseconds(sim.Random.Next(0, 5)));
        }

        sim.RunUntilQuiescent();
        Assert.Equal(Enumerable.Range(0, 1000), sim.Probe(1).Numbers);
        Assert.Equal(1000, sim.Counters.Delivered);
    });

    [Fact]
    public void Loss_rate_is_honoured_and_what_arrives_keeps_its_order() => SimulationRun.WithSeed(output, 2, seed =>
    {
        var sim = SimulationRun.Probes(2, Options(seed, loss: 0.1));
        sim.OpenLink(0, 1);
        const int Count = 20_000;
        sim.Do(0, Enumerable.Range(0, Count).Select(i => (PeerServiceEffect)sim.SendProbe(1, i)).ToArray());
        sim.RunUntilQuiescent();

        var numbers = sim.Probe(1).Numbers;
        var lost = sim.Counters.Dropped(DropReason.Loss);
        Assert.Equal(Count, sim.Counters.Sent);
        Assert.Equal(Count, numbers.Count + lost);
        Assert.InRange(lost / (double)Count, 0.09, 0.11);
        Assert.Equal(numbers.Order(), numbers);
    });

    [Fact]
    public void Every_latency_is_within_the_bounds_and_spans_them() => SimulationRun.WithSeed(output, 3, seed =>
    {
        var sim = SimulationRun.Probes(2, Options(seed, minMs: 5, maxMs: 20));
        sim.OpenLink(0, 1);
        var sentAt = new Dictionary<int, TimeSpan>();
        var latencies = new List<TimeSpan>();
        sim.OnTrace = entry =>
        {
            if (entry is { Kind: TraceKind.Delivered, Payload: Probe probe })
            {
                latencies.Add(entry.At - sentAt[probe.Number]);
            }
        };
        for (var i = 0; i < 500; i++)
        {
            sentAt[i] = sim.Now;
            sim.Do(0, sim.SendProbe(1, i));
            sim.RunFor(TimeSpan.FromMilliseconds(sim.Random.Next(0, 30)));
        }

        sim.RunUntilQuiescent();
        Assert.Equal(500, latencies.Count);
        Assert.All(latencies, l => Assert.InRange(l, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20)));
        Assert.True(latencies.Min() < TimeSpan.FromMilliseconds(6) && latencies.Max() > TimeSpan.FromMilliseconds(19), "latencies should span the range");
    });

    [Fact]
    public void Messages_to_a_peer_being_connected_wait_and_go_before_PeerUp() => SimulationRun.WithSeed(output, 4, seed =>
    {
        var sim = SimulationRun.Probes(2, Options(seed));
        var sender = sim.Probe(0);
        sender.OnPeerUp = _ => [sim.SendProbe(1, 3)];
        sim.Do(0, sim.ConnectTo(1), sim.SendProbe(1, 1), sim.SendProbe(1, 2));
        Assert.Equal(2, sim.Counters.Waited);
        sim.RunUntilQuiescent();

        Assert.Equal([1, 2, 3], sim.Probe(1).Numbers);
        Assert.Equal(["up n1"], sender.Calls);
        Assert.Equal(0, sim.Counters.TotalDropped);
    });

    [Fact]
    public void At_most_the_configured_number_of_messages_wait_per_peer() => SimulationRun.WithSeed(output, 5, seed =>
    {
        var sim = SimulationRun.Probes(2, Options(seed));
        var effects = new List<PeerServiceEffect> { sim.ConnectTo(1) };
        effects.AddRange(Enumerable.Range(0, 20).Select(i => sim.SendProbe(1, i)));
        sim.Do(0, [.. effects]);
        sim.RunUntilQuiescent();

        Assert.Equal(Enumerable.Range(4, 16), sim.Probe(1).Numbers);
        Assert.Equal(4, sim.Counters.Dropped(DropReason.WaitingOverflow));
    });

    [Fact]
    public void A_message_to_a_peer_never_asked_for_is_dropped() => SimulationRun.WithSeed(output, 6, seed =>
    {
        var sim = SimulationRun.Probes(2, Options(seed));
        sim.Do(0, sim.SendProbe(1, 1), new SendEffect(new NodeName("stranger"), new Probe(2)));
        sim.RunUntilQuiescent();

        Assert.Empty(sim.Probe(1).Received);
        Assert.Equal(1, sim.Counters.Dropped(DropReason.NotConnected));
        Assert.Equal(1, sim.Counters.Dropped(DropReason.UnknownPeer));
    });

    [Fact]
    public void Disconnect_drops_what_waits_and_the_connection_never_opens() => SimulationRun.WithSeed(output, 7, seed =>
    {
        var sim = SimulationRun.Probes(2, Options(seed));
        sim.Do(0, sim.ConnectTo(1), sim.SendProbe(1, 1), new DisconnectEffect(sim[1].Name));
        sim.RunUntilQuiescent();

        Assert.Empty(sim.Probe(1).Received);
        Assert.Empty(sim.Probe(0).Calls);
        Assert.False(sim.IsConnected(0, 1));
        Assert.Equal(1, sim.Counters.Dropped(DropReason.Disconnected));
    });

    [Fact]
    public void A_graceful_disconnect_delivers_what_was_sent_and_reports_PeerDown() => SimulationRun.WithSeed(output, 8, seed =>
    {
        var sim = SimulationRun.Probes(2, Options(seed));
        sim.OpenLink(0, 1);
        sim.Do(0, sim.SendProbe(1, 1), sim.SendProbe(1, 2), new DisconnectEffect(sim[1].Name), sim.SendProbe(1, 3));
        sim.RunUntilQuiescent();

        Assert.Equal([1, 2], sim.Probe(1).Numbers);
        Assert.Equal(["up n1", "down n1"], sim.Probe(0).Calls);
        Assert.Equal(1, sim.Counters.Dropped(DropReason.NotConnected));
    });

    [Fact]
    public void A_partition_loses_what_is_in_flight_reports_PeerDown_on_both_sides_and_heals() => SimulationRun.WithSeed(output, 9, seed =>
    {
        var sim = SimulationRun.Probes(3, Options(seed, minMs: 10, maxMs: 20));
        sim.OpenLink(0, 1);
        sim.OpenLink(1, 0);
        sim.OpenLink(0, 2);
        sim.Do(0, sim.SendProbe(1, 1), sim.SendProbe(1, 2), sim.SendProbe(2, 3));
        sim.Partition([0], [1]);
        var cutAt = sim.Now;
        sim.RunUntilQuiescent();

        Assert.Empty(sim.Probe(1).Received);
        Assert.Equal([3], sim.Probe(2).Numbers);
        Assert.Equal(2, sim.Counters.Dropped(DropReason.Broken));
        Assert.Equal(["up n1", "up n2", "down n1"], sim.Probe(0).Calls);
        Assert.Equal(["up n0", "down n0"], sim.Probe(1).Calls);
        var down = Assert.Single(sim[0].ObservedOf(ObservedKind.PeerDown));
        Assert.InRange(down.At - cutAt, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20));

        // Both still want the connection: it is parked, not retried in a loop, and opens after the heal.
        sim.RunFor(TimeSpan.FromMinutes(1));
        Assert.False(sim.IsConnected(0, 1));
        sim.Do(0, sim.SendProbe(1, 4));
        sim.Heal();
        sim.RunUntilQuiescent();
        Assert.True(sim.IsConnected(0, 1) && sim.IsConnected(1, 0));
        Assert.Equal([4], sim.Probe(1).Numbers);
        Assert.Equal(["up n1", "up n2", "down n1", "up n1"], sim.Probe(0).Calls);
    });

    [Fact]
    public void A_crash_reports_PeerDown_after_a_latency_and_a_restart_under_the_name_reconnects() => SimulationRun.WithSeed(output, 10, seed =>
    {
        var sim = SimulationRun.Probes(3, Options(seed, minMs: 10, maxMs: 20));
        sim.OpenLink(0, 1);
        sim.OpenLink(0, 2);
        sim.Do(0, sim.SendProbe(1, 1));
        sim.CrashMany([1, 2]);
        var crashedAt = sim.Now;
        sim.Do(0, sim.SendProbe(1, 2));
        sim.RunUntilQuiescent();

        Assert.Equal(2, sim.Counters.Dropped(DropReason.Broken));
        Assert.All(sim[0].ObservedOf(ObservedKind.PeerDown), d => Assert.InRange(d.At - crashedAt, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20)));
        Assert.Equal(2, sim[0].ObservedOf(ObservedKind.PeerDown).Count());
        Assert.Equal(1, sim.LiveCount);

        sim.Restart(1);
        var renamed = sim.Restart(2, "n2-restarted");
        sim.RunUntilQuiescent();
        Assert.True(sim.IsConnected(0, 1));
        Assert.False(sim.IsConnected(0, 2));
        Assert.False(sim.IsConnected(0, renamed));
        Assert.Empty(sim.Probe(1).Received);
        Assert.Equal(["up n1", "up n2", "down n1", "down n2", "up n1"], sim.Probe(0).Calls);
    });

    [Fact]
    public void Timers_fire_in_virtual_time_rearming_replaces_and_a_crash_cancels() => SimulationRun.WithSeed(output, 11, seed =>
    {
        var sim = new Simulator(Options(seed), static (spec, _) =>
        {
            var core = new ProbeCore(spec);
            core.StartEffects.Add(new ArmTimerEffect(new ProbeTimer("tick"), TimeSpan.FromSeconds(1), Periodic: true));
            core.StartEffects.Add(new ArmTimerEffect(new ProbeTimer("once"), TimeSpan.FromMilliseconds(500), Periodic: false));
            return core;
        });
        sim.AddNodes(2);
        var fired = new List<(TimeSpan At, int Node, string Timer)>();
        sim.OnTrace = e =>
        {
            if (e.Kind == TraceKind.Timer)
            {
                fired.Add((e.At, e.Node, ((ProbeTimer)e.Payload!).Name));
            }
        };

        sim.RunFor(TimeSpan.FromSeconds(3.5));
        Assert.Equal(["timer once", "timer tick", "timer tick", "timer tick"], sim.Probe(0).Calls);
        Assert.Equal([0.5, 1, 2, 3], fired.Where(f => f.Node == 0).Select(f => f.At.TotalSeconds));

        sim.Do(0, new ArmTimerEffect(new ProbeTimer("tick"), TimeSpan.FromSeconds(10), Periodic: true));
        sim.Crash(1);
        sim.RunUntil(TimeSpan.FromSeconds(20));
        Assert.Equal([13.5], fired.Where(f => f.Node == 0 && f.At > TimeSpan.FromSeconds(3.5)).Select(f => f.At.TotalSeconds));
        Assert.DoesNotContain(fired, f => f.Node == 1 && f.At > TimeSpan.FromSeconds(3.5));
    });

    [Fact]
    public void PeerUp_and_PeerDown_alternate_for_every_peer_under_random_faults() => SimulationRun.WithSeed(output, 12, seed =>
    {
        var sim = SimulationRun.Probes(12, Options(seed, minMs: 1, maxMs: 30));
        for (var round = 0; round < 300; round++)
        {
            var a = sim.Random.Next(sim.Count);
            var b = sim.Random.Next(sim.Count);
            switch (sim.Random.Next(8))
            {
                case 0 or 1 or 2 when sim[a].Alive:
                    sim.Do(a, sim.ConnectTo(b), sim.SendProbe(b, round));
                    break;
                case 3 when sim[a].Alive:
                    sim.Do(a, new DisconnectEffect(sim[b].Name));
                    break;
                case 4 when sim[a].Alive && sim.LiveCount > 2:
                    sim.Crash(a);
                    break;
                case 5 when !sim[a].Alive:
                    sim.Restart(a);
                    break;
                case 6:
                    sim.Partition(Enumerable.Range(0, sim.Count).Where(_ => sim.Random.Next(2) == 0).ToList());
                    break;
                case 7:
                    sim.Heal();
                    break;
            }

            sim.RunFor(TimeSpan.FromMilliseconds(sim.Random.Next(0, 40)));
        }

        sim.Heal();
        sim.RunUntilQuiescent();
        foreach (var node in sim.Nodes)
        {
            foreach (var peer in node.Observed.Where(o => o.Kind is ObservedKind.PeerUp or ObservedKind.PeerDown).GroupBy(o => o.Peer))
            {
                // Per incarnation of the observer: a crash forgets its connections.
                var expectUp = true;
                foreach (var observed in node.Observed.Where(o => o.Peer == peer.Key || o.Kind is ObservedKind.Crashed))
                {
                    if (observed.Kind == ObservedKind.Crashed)
                    {
                        expectUp = true;
                        continue;
                    }

                    Assert.True(observed.Kind == (expectUp ? ObservedKind.PeerUp : ObservedKind.PeerDown), $"{node.Name}: {observed} out of turn (seed={seed})");
                    expectUp = !expectUp;
                }
            }
        }

        Assert.True(sim.Counters.ConnectionsOpened > 50, sim.Counters.ToString());
    });

    [Fact]
    public void Holding_timers_reaches_a_quiescent_point_and_fires_them_late_in_order() => SimulationRun.WithSeed(output, 13, seed =>
    {
        var sim = SimulationRun.Probes(2, Options(seed, minMs: 10, maxMs: 10));
        var fired = new List<(TimeSpan At, string Timer)>();
        sim.OnTrace = e =>
        {
            if (e.Kind == TraceKind.Timer)
            {
                fired.Add((e.At, ((ProbeTimer)e.Payload!).Name));
            }
        };

        // A message bounces between the nodes for ever... until the 100th.
        foreach (var i in new[] { 0, 1 })
        {
            var other = 1 - i;
            sim.Probe(i).OnHandle = (_, m) => m is Probe { Number: < 100 } p ? [sim.SendProbe(other, p.Number + 1)] : [];
            sim.OpenLink(i, other);
        }

        sim.Do(0, new ArmTimerEffect(new ProbeTimer("b"), TimeSpan.FromMilliseconds(5), Periodic: false), new ArmTimerEffect(new ProbeTimer("a"), TimeSpan.FromMilliseconds(5), Periodic: false), sim.SendProbe(1, 0));
        var start = sim.Now;
        sim.RunUntilQuiescent(holdTimers: true);
        Assert.Empty(fired);
        Assert.Equal(start + TimeSpan.FromMilliseconds(1010), sim.Now);

        sim.RunFor(TimeSpan.Zero);
        Assert.Equal([(sim.Now, "b"), (sim.Now, "a")], fired);
    });

    [Fact]
    public void A_core_that_throws_fails_the_run_with_the_seed_the_node_and_the_event() => SimulationRun.WithSeed(output, 14, seed =>
    {
        var sim = SimulationRun.Probes(2, Options(seed));
        sim.Probe(1).OnHandle = (_, _) => throw new InvalidOperationException("core bug");
        sim.OpenLink(0, 1);
        sim.Do(0, sim.SendProbe(1, 1));

        var failure = Assert.Throws<SimulationException>(() => sim.RunUntilQuiescent());
        Assert.Contains($"seed={seed}", failure.Message);
        Assert.Contains("Deliver at node n1", failure.Message);
        Assert.Contains("core bug", failure.Message);
    });

    [Fact]
    public void The_loss_rate_can_change_during_a_run() => SimulationRun.WithSeed(output, 15, seed =>
    {
        var sim = SimulationRun.Probes(2, Options(seed, loss: 0.5));
        sim.OpenLink(0, 1);
        sim.Do(0, Enumerable.Range(0, 1000).Select(i => (PeerServiceEffect)sim.SendProbe(1, i)).ToArray());
        sim.LossRate = 0;
        sim.Do(0, Enumerable.Range(1000, 1000).Select(i => (PeerServiceEffect)sim.SendProbe(1, i)).ToArray());
        sim.RunUntilQuiescent();

        Assert.InRange(sim.Counters.Dropped(DropReason.Loss), 400, 600);
        Assert.Equal(Enumerable.Range(1000, 1000), sim.Probe(1).Numbers.Where(n => n >= 1000));
    });
}

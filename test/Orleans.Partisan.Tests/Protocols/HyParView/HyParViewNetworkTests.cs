using CsCheck;

namespace Orleans.Partisan.Tests.Protocols.HyParView;

/// <summary>Whole overlays of <see cref="Orleans.Partisan.Protocols.HyParView.HyParViewCore"/> over <see cref="HyParViewNetwork"/>.</summary>
public sealed class HyParViewNetworkTests
{
    private static readonly HyParViewOptions Options = new();

    private static HyParViewNetwork Build(int count, int seed, double lossRate = 0)
    {
        var network = new HyParViewNetwork(count, seed, Options) { LossRate = lossRate };
        var random = new Random(seed);
        for (var i = 1; i < count; i++)
        {
            network.Join(i, random.Next(i));
            network.RunFor(TimeSpan.FromMilliseconds(100));
        }

        return network;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Fifty_nodes_joining_through_random_contacts_form_one_sound_overlay(int seed)
    {
        var network = Build(50, seed);
        HyParViewInvariants.AssertSound(network, Options, "after the joins");

        network.RunFor(TimeSpan.FromMinutes(2));
        HyParViewInvariants.AssertSound(network, Options, "after two minutes of shuffles", minActive: Options.MinActiveViewSize);
        var passive = network.Alive.Average(n => n.Core.PassiveView.Count);
        Assert.True(passive > 15, $"Seed {seed}: shuffles should fill the passive views; the mean is {passive:0.0}.");
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void The_overlay_heals_after_a_third_of_the_nodes_crash(int seed)
    {
        var network = Build(50, seed);
        network.RunFor(TimeSpan.FromMinutes(1));
        var random = new Random(seed);
        foreach (var i in Enumerable.Range(0, 50).OrderBy(_ => random.Next()).Take(16))
        {
            network.Crash(i);
        }

        network.RunFor(TimeSpan.FromMinutes(1));
        HyParViewInvariants.AssertSound(network, Options, "a minute after 16 of 50 nodes crashed", minActive: Options.MinActiveViewSize);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void With_message_loss_the_views_become_symmetric_again_once_it_stops(int seed)
    {
        var network = Build(40, seed, lossRate: 0.05);
        network.RunFor(TimeSpan.FromMinutes(1));
        network.LossRate = 0;
        network.RunFor(TimeSpan.FromSeconds(45));
        HyParViewInvariants.AssertSound(network, Options, "45 s after 5% message loss stopped");
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public void Nodes_leaving_gracefully_are_forgotten_and_the_rest_stays_connected(int seed)
    {
        var network = Build(30, seed);
        network.RunFor(TimeSpan.FromSeconds(30));
        var leavers = new[] { 3, 7, 11, 19, 25 };
        foreach (var i in leavers)
        {
            network.Leave(i);
            network.RunToQuiescence();
            network.Crash(i);
        }

        var gone = leavers.Select(i => network[i].Name).ToHashSet();
        foreach (var node in network.Alive)
        {
            Assert.True(!node.Active.Overlaps(gone), $"Seed {seed}: {node} still has a leaver as a neighbour.");
        }

        network.RunFor(TimeSpan.FromSeconds(30));
        HyParViewInvariants.AssertSound(network, Options, "after five graceful leaves", minActive: Options.MinActiveViewSize);
    }

    [Fact]
    public void Invariants_hold_at_every_quiescent_point_under_random_churn()
        => Gen.Int[1, 1_000_000].Sample(Churn, iter: 12);

    private static void Churn(int seed)
    {
        var network = Build(25, seed);
        var random = new Random(seed);
        for (var step = 0; step < 6; step++)
        {
            var members = network.Alive.Where(n => !n.Core.HasLeft).Select(n => n.Index).ToList();
            for (var i = random.Next(0, 4); i > 0 && members.Count > 3; i--)
            {
                var victim = members[random.Next(members.Count)];
                members.Remove(victim);
                if (random.Next(2) == 0)
                {
                    network.Crash(victim);
                }
                else
                {
                    network.Leave(victim);
                }
            }

            // Nodes that left join again, new nodes join, each through a random member.
            foreach (var node in network.Alive.Where(n => n.Core.HasLeft).ToList())
            {
                if (random.Next(2) == 0)
                {
                    network.Join(node.Index, members[random.Next(members.Count)]);
                }
            }

            for (var i = random.Next(0, 4); i > 0; i--)
            {
                network.Join(network.Add().Index, members[random.Next(members.Count)]);
            }

            network.RunFor(TimeSpan.FromSeconds(random.Next(5, 40)));
            HyParViewInvariants.AssertSound(network, Options, $"churn step {step}");
        }
    }
}

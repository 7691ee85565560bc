using System.Diagnostics;
using Orleans.Partisan.Simulation;
using Xunit.Abstractions;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary>
/// Acknowledged delivery (<c>AckTracker</c>, <c>AckReceiver</c>) over a simulated network with seeded loss,
/// reordering and connection resets: no message lost, none delivered twice, every key in order.
/// </summary>
public sealed class AckedDeliverySimulationTests(ITestOutputHelper output)
{
    private DeliverySimulationResult Run(DeliverySimulationOptions options)
    {
        var watch = Stopwatch.StartNew();
        var simulation = new DeliverySimulator(options);
        var result = simulation.Run();
        output.WriteLine($"{options.Nodes} nodes, {options.Messages} messages, loss {options.LossRate:P0}, reorder {options.Reorder}, resets every {options.ResetInterval?.TotalMilliseconds} ms: {result}");
        output.WriteLine($"wall time {watch.Elapsed.TotalSeconds:0.00} s");
        Assert.Equal(options.Messages, result.Delivered);
        Assert.Equal(options.Messages, result.Acked);
        Assert.Equal(0, simulation.Checker.Duplicates);
        return result;
    }

    [Fact]
    public void A_thousand_nodes_deliver_a_hundred_thousand_acked_messages_exactly_once_under_loss_reordering_and_resets()
        => SimulationRun.WithSeed(output, 201, seed =>
        {
            var result = Run(new DeliverySimulationOptions
            {
                Seed = seed,
                Nodes = 1000,
                Messages = 100_000,
                SendPeriod = TimeSpan.FromSeconds(5),
                LossRate = 0.10,
                Reorder = true,
                ResetInterval = TimeSpan.FromMilliseconds(10),
            });

            // The faults happened, and were repaired: copies were lost to loss and to resets, retransmitted,
            // and the copies that arrived twice were dropped by the receivers.
            Assert.True(result.Lost > 10_000, $"lost {result.Lost}");
            Assert.True(result.Resets > 100 && result.LostToResets > 0, $"{result.Resets} resets lost {result.LostToResets}");
            Assert.True(result.Retransmissions > result.Lost / 2, $"{result.Retransmissions} retransmissions");
            Assert.True(result.DuplicatesDropped > 0, "no duplicate copy was ever dropped: the test did not exercise de-duplication");
        });

    [Fact]
    public void Few_nodes_exchanging_many_messages_fill_their_windows_and_keep_every_key_in_order()
        => SimulationRun.WithSeed(output, 202, seed =>
        {
            var result = Run(new DeliverySimulationOptions
            {
                Seed = seed,
                Nodes = 6,
                Messages = 30_000,
                SendPeriod = TimeSpan.FromSeconds(3),
                LossRate = 0.10,
                Reorder = true,
                ResetInterval = TimeSpan.FromMilliseconds(50),
                MaxUnacked = 8,
            });

            Assert.True(result.WaitedForRoom > 1_000, $"{result.WaitedForRoom} sends waited for room");
            Assert.True(result.HeldForPredecessor > 100, $"{result.HeldForPredecessor} messages held for their key's predecessor");
        });

    [Fact]
    public void Over_fifo_connections_that_reset_the_retransmission_after_a_reconnect_keeps_each_key_in_order()
        => SimulationRun.WithSeed(output, 203, seed =>
        {
            var result = Run(new DeliverySimulationOptions
            {
                Seed = seed,
                Nodes = 20,
                Messages = 20_000,
                SendPeriod = TimeSpan.FromSeconds(2),
                ResetInterval = TimeSpan.FromMilliseconds(5),
                RetransmitInterval = TimeSpan.FromSeconds(30),
            });

            // No random loss and a retransmit interval longer than the run: only reconnects retransmit.
            Assert.Equal(0, result.Lost);
            Assert.True(result.LostToResets > 0 && result.Retransmissions > 0, $"{result.LostToResets} lost to resets, {result.Retransmissions} retransmitted");
        });

    [Fact]
    public void The_same_seed_gives_the_same_run()
    {
        DeliverySimulationOptions Options(int seed) => new()
        {
            Seed = seed,
            Nodes = 30,
            Messages = 3_000,
            LossRate = 0.1,
            Reorder = true,
            ResetInterval = TimeSpan.FromMilliseconds(20),
        };

        var first = new DeliverySimulator(Options(7)).Run().ToString();
        var again = new DeliverySimulator(Options(7)).Run().ToString();
        var other = new DeliverySimulator(Options(8)).Run().ToString();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }
}

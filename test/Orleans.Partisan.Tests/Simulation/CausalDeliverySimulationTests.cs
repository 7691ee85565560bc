using System.Diagnostics;
using Orleans.Partisan.Simulation;
using Xunit.Abstractions;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary>
/// Causal delivery (<c>CausalBuffer</c> over the ack layer) under random delays, loss and resets, checked
/// against the happens-before relation recorded by <see cref="CausalChecker"/>.
/// </summary>
public sealed class CausalDeliverySimulationTests(ITestOutputHelper output)
{
    private DeliverySimulationResult Run(DeliverySimulationOptions options)
    {
        var watch = Stopwatch.StartNew();
        var simulation = new DeliverySimulator(options);
        var result = simulation.Run();
        output.WriteLine($"{options.Nodes} nodes in groups of {options.CausalGroupSize}, {options.Messages} causal messages, latency {options.MinLatency.TotalMilliseconds}-{options.MaxLatency.TotalMilliseconds} ms, loss {options.LossRate:P0}: {result}");
        output.WriteLine($"wall time {watch.Elapsed.TotalSeconds:0.00} s");
        Assert.Equal(options.Messages, result.Delivered);
        Assert.Equal(options.Messages, simulation.Causal!.Checked);
        return result;
    }

    [Fact]
    public void A_thousand_nodes_in_labelled_groups_never_break_causal_order_under_random_delays()
        => SimulationRun.WithSeed(output, 301, seed =>
        {
            var result = Run(new DeliverySimulationOptions
            {
                Seed = seed,
                Nodes = 1000,
                CausalGroupSize = 10,
                Messages = 100_000,
                SendPeriod = TimeSpan.FromSeconds(5),
                MinLatency = TimeSpan.FromMilliseconds(1),
                MaxLatency = TimeSpan.FromMilliseconds(100),
                Reorder = true,
                LossRate = 0.05,
                ResetInterval = TimeSpan.FromMilliseconds(20),
            });

            Assert.True(result.CausalBuffered > 1_000, $"only {result.CausalBuffered} messages ever waited: the delays did not reorder causally related messages");
        });

    [Fact]
    public void Thirty_two_nodes_sharing_one_label_never_break_causal_order()
        => SimulationRun.WithSeed(output, 302, seed =>
        {
            var result = Run(new DeliverySimulationOptions
            {
                Seed = seed,
                Nodes = 32,
                CausalGroupSize = 32,
                Messages = 20_000,
                SendPeriod = TimeSpan.FromSeconds(4),
                MinLatency = TimeSpan.FromMilliseconds(1),
                MaxLatency = TimeSpan.FromMilliseconds(50),
                Reorder = true,
                LossRate = 0.05,
            });

            Assert.True(result.CausalBuffered > 1_000, $"only {result.CausalBuffered} messages ever waited");
        });

    [Fact]
    public void A_small_causal_buffer_overflows_and_loses_nothing()
        => SimulationRun.WithSeed(output, 303, seed =>
        {
            var result = Run(new DeliverySimulationOptions
            {
                Seed = seed,
                Nodes = 8,
                CausalGroupSize = 8,
                Messages = 5_000,
                SendPeriod = TimeSpan.FromSeconds(1),
                MinLatency = TimeSpan.FromMilliseconds(1),
                MaxLatency = TimeSpan.FromMilliseconds(60),
                Reorder = true,
                MaxCausalBuffered = 3,
                RetransmitInterval = TimeSpan.FromMilliseconds(50),
            });

            Assert.True(result.CausalOverflows > 0, "the buffer never overflowed");
            Assert.True(result.MaxCausalWaiting <= 3, $"{result.MaxCausalWaiting} waited at once with a bound of 3");
        });
}

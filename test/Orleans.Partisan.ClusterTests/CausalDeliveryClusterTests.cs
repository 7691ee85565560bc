using System.Collections.Concurrent;
using Orleans.Partisan.Testing;

namespace Orleans.Partisan.ClusterTests;

/// <summary>Causal delivery (<see cref="ForwardOptions.CausalLabel"/>) between the silos of a real cluster.</summary>
public sealed class CausalDeliveryClusterTests
{
    private const string Inbox = "causal-inbox";

    [Fact]
    public async Task Causal_order_holds_across_two_channels_when_the_first_is_delayed()
    {
        await using var cluster = await PartisanCluster.StartAsync(2, configureSilo: silo => silo.AddPartisanFaultInjection());
        await cluster.WaitForConvergedAsync();
        var (sender, receiver) = (cluster.Node(cluster.Silos[0]), cluster.Node(cluster.Silos[1]));
        var arrived = new ConcurrentQueue<string>();
        using var inbox = receiver.RegisterReceiver(Inbox, m => arrived.Enqueue(((Ping)m.Message).Text));
        // Long enough that the undelayed message is delivered first even on a loaded machine (the control below).
        using var slowBulk = cluster.Cluster.PartisanFaults().Delay(TimeSpan.FromSeconds(1.5), from: sender.Name, to: receiver.Name, channel: "bulk");

        // Without a label the delay reorders them: the test would see a missing causal order.
        await Send("plain on bulk", "bulk", label: null);
        await Send("plain on default", PartisanChannels.Default, label: null);
        await Eventually.Until(() => arrived.Count == 2, PartisanCluster.Timeout, () => $"both plain messages; got [{string.Join(", ", arrived)}]");
        Assert.Equal(["plain on default", "plain on bulk"], arrived);

        for (var i = 0; i < 10; i++)
        {
            await Send($"causal {i}", i % 2 == 0 ? "bulk" : PartisanChannels.Default, label: "ledger");
        }

        await Eventually.Until(() => arrived.Count == 12, PartisanCluster.Timeout, () => $"the ten causal messages; got [{string.Join(", ", arrived)}]");
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"causal {i}"), arrived.Skip(2));

        ValueTask Send(string text, string channel, string? label)
            => sender.ForwardMessageAsync(receiver.Name, PartisanTarget.Named(Inbox), new Ping(text), new ForwardOptions { Channel = channel, CausalLabel = label });
    }
}

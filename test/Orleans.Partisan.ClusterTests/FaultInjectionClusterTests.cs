using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Partisan.Testing;
using Orleans.TestingHost;

namespace Orleans.Partisan.ClusterTests;

/// <summary>Fault injection on a 3-silo TestingHost cluster, through the public API of Orleans.Partisan.Testing.</summary>
public sealed class FaultInjectionClusterTests : IAsyncLifetime
{
    private const string Inbox = "fault-inbox";
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ReceivedMessage>> _arrivals = new();
    private readonly List<IDisposable> _receivers = [];
    private InProcessTestCluster _cluster = null!;
    private IReadOnlyList<IPartisan> _nodes = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo
            .AddPartisan(o =>
            {
                o.ListenAddress = System.Net.IPAddress.Loopback;
                o.Channels["bulk"] = new ChannelOptions { Parallelism = 2 };
            })
            .AddPartisanFaultInjection());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        _nodes = _cluster.Silos.Select(s => _cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<IPartisan>()).ToList();
        await Eventually.Until(
            () => _nodes.All(n => _nodes.Where(m => m != n).All(m => n.IsFullyConnected(m.Name))),
            PartisanCluster.Timeout,
            () => "every silo fully connected to every other");
        foreach (var node in _nodes)
        {
            _receivers.Add(node.RegisterReceiver(Inbox, m => Arrival(((Ping)m.Message).Text).TrySetResult(m)));
        }
    }

    public async Task DisposeAsync()
    {
        _receivers.ForEach(r => r.Dispose());
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task A_partition_on_the_default_channel_cuts_forwards_across_it_until_healed()
    {
        var faults = _cluster.PartisanFaults();
        var (n0, n1, n2) = (_nodes[0], _nodes[1], _nodes[2]);

        using (faults.Partition([n0.Name], [n1.Name, n2.Name], PartisanChannels.Default))
        {
            // Across the partition, both ways: the sender is not told.
            await SendAsync(n0, n1, "cross 0->1");
            await SendAsync(n1, n0, "cross 1->0");

            // Inside a side, and on another channel across it: delivered.
            await SendAsync(n2, n1, "inside 2->1");
            await SendAsync(n0, n1, "bulk 0->1", "bulk");
            await ArrivedAsync("inside 2->1");
            await ArrivedAsync("bulk 0->1");
            Assert.False(Arrival("cross 0->1").Task.IsCompleted, "a forward across the partition arrived");
            Assert.False(Arrival("cross 1->0").Task.IsCompleted, "a forward across the partition arrived");
        }

        // Healed: the next messages on the same links arrive; the links are FIFO, so the cut ones,
        // had they been sent, would have arrived before them.
        await SendAsync(n0, n1, "healed 0->1");
        await SendAsync(n1, n0, "healed 1->0");
        Assert.Equal(n0.Name, (await ArrivedAsync("healed 0->1")).From);
        Assert.Equal(n1.Name, (await ArrivedAsync("healed 1->0")).From);
        Assert.False(Arrival("cross 0->1").Task.IsCompleted, "a forward sent during the partition arrived after healing");
        Assert.False(Arrival("cross 1->0").Task.IsCompleted, "a forward sent during the partition arrived after healing");
        Assert.All(faults.Silos, s => Assert.Empty(s.Rules));
    }

    [Fact]
    public async Task A_rule_on_one_silo_acts_on_that_silo_only_and_cluster_rules_check_the_channel()
    {
        var (n0, n1, n2) = (_nodes[0], _nodes[1], _nodes[2]);
        var silo0 = _cluster.GetSiloServiceProvider(_cluster.Silos[0].SiloAddress).GetPartisanFaults();
        Assert.Throws<UnknownChannelException>(() => _cluster.PartisanFaults().Drop(channel: "nope"));

        using (silo0.Drop(to: n1.Name))
        {
            await SendAsync(n0, n1, "dropped 0->1");
            await SendAsync(n2, n1, "kept 2->1");
            await SendAsync(n0, n2, "kept 0->2");
            await ArrivedAsync("kept 2->1");
            await ArrivedAsync("kept 0->2");
        }

        await SendAsync(n0, n1, "after 0->1");
        await ArrivedAsync("after 0->1");
        Assert.False(Arrival("dropped 0->1").Task.IsCompleted, "the message dropped by silo 0's rule arrived");
    }

    private TaskCompletionSource<ReceivedMessage> Arrival(string text)
        => _arrivals.GetOrAdd(text, _ => new TaskCompletionSource<ReceivedMessage>(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task<ReceivedMessage> ArrivedAsync(string text)
    {
        try
        {
            return await Arrival(text).Task.WaitAsync(PartisanCluster.Timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out after {PartisanCluster.Timeout} waiting for '{text}' to arrive; arrived: [{string.Join(", ", _arrivals.Where(a => a.Value.Task.IsCompleted).Select(a => a.Key))}]");
            throw;
        }
    }

    private static ValueTask SendAsync(IPartisan from, IPartisan to, string text, string? channel = null)
        => from.ForwardMessageAsync(to.Name, PartisanTarget.Named(Inbox), new Ping(text), new ForwardOptions { Channel = channel, PartitionKey = 0 });
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Orleans.Partisan.Runtime;
using Orleans.Partisan.Testing;
using Orleans.Partisan.Tests.Runtime;

namespace Orleans.Partisan.Tests.Faults;

/// <summary>
/// Overlay nodes on loopback sharing one <see cref="PartisanFaults"/> rule set (as every silo of a
/// cluster would after <c>cluster.PartisanFaults()</c>), with a receiver named "probe" on each node that
/// records what arrives, in order.
/// </summary>
internal sealed class FaultHarness : IAsyncDisposable
{
    public const string Bulk = "bulk";
    public static readonly string[] BothChannels = [PartisanChannels.Default, Bulk];
    private readonly TestNodes _nodes = new();
    private readonly List<IDisposable> _probes = [];
    private readonly List<Arrival> _arrivals = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public PartisanFaults Faults { get; } = new();

    public IReadOnlyList<PartisanNode> Nodes => _nodes.Nodes;

    public TimeSpan Now => _clock.Elapsed;

    public static async Task<FaultHarness> StartAsync(int count)
    {
        var harness = new FaultHarness();
        for (var i = 0; i < count; i++)
        {
            var node = await harness._nodes.StartAsync(interposer: harness.Faults);
            harness._probes.Add(node.RegisterReceiver("probe", m => harness.Record(node.Name, m)));
            if (i > 0)
            {
                await node.JoinAsync(harness.Nodes[0].Spec);
            }
        }

        await TestNodes.WaitUntilAsync(
            () => harness.Nodes.All(n => harness.Nodes.Where(m => m != n).All(m => n.IsFullyConnected(m.Name))),
            () => "every node fully connected to every other");
        return harness;
    }

    /// <summary>Everything the probes received so far, in arrival order.</summary>
    public List<Arrival> Arrivals
    {
        get
        {
            lock (_arrivals)
            {
                return [.. _arrivals];
            }
        }
    }

    /// <summary>Sends <paramref name="text"/> to <paramref name="to"/>'s probe; on partition key 0, so every message of a link takes one lane, in order.</summary>
    public ValueTask SendAsync(PartisanNode from, PartisanNode to, string channel, string text)
        => from.ForwardMessageAsync(to.Name, PartisanTarget.Named("probe"), new Note(text), new ForwardOptions { Channel = channel, PartitionKey = 0 });

    /// <summary>Sends one message tagged <paramref name="tag"/> on every link (ordered pair of nodes, channel); returns the messages sent.</summary>
    public async Task<List<Sent>> SendOnEveryLinkAsync(string tag)
    {
        var sent = new List<Sent>();
        foreach (var from in Nodes)
        {
            foreach (var to in Nodes.Where(n => n != from))
            {
                foreach (var channel in BothChannels)
                {
                    var message = new Sent(from.Name, to.Name, channel, $"{tag}:{from.Name}->{to.Name}@{channel}");
                    await SendAsync(from, to, channel, message.Text);
                    sent.Add(message);
                }
            }
        }

        return sent;
    }

    /// <summary>Waits until every one of <paramref name="expected"/> has arrived.</summary>
    public Task WaitForAsync(IEnumerable<Sent> expected, string what)
    {
        var texts = expected.Select(s => s.Text).ToHashSet();
        return TestNodes.WaitUntilAsync(
            () => texts.IsSubsetOf(ArrivedTexts()),
            () => $"{what}; missing: {string.Join(", ", texts.Except(ArrivedTexts()))}");
    }

    /// <summary>
    /// Sends a barrier on every link and waits for all of them: each link keeps its messages in order
    /// (one lane, FIFO), so whatever was sent before on a link and did not arrive by then never will.
    /// Call once the rules that drop are gone.
    /// </summary>
    public async Task BarrierAsync(string tag) => await WaitForAsync(await SendOnEveryLinkAsync(tag), $"barrier {tag} on every link");

    /// <summary>The texts of the arrived messages that start with <paramref name="tag"/>.</summary>
    public HashSet<string> ArrivedTagged(string tag) => Arrivals.Select(a => a.Text).Where(t => t.StartsWith(tag + ":", StringComparison.Ordinal)).ToHashSet();

    public async ValueTask DisposeAsync()
    {
        _probes.ForEach(p => p.Dispose());
        await _nodes.DisposeAsync();
    }

    private HashSet<string> ArrivedTexts() => Arrivals.Select(a => a.Text).ToHashSet();

    private void Record(NodeName to, ReceivedMessage message)
    {
        lock (_arrivals)
        {
            _arrivals.Add(new Arrival(message.From, to, message.Channel, ((Note)message.Message).Text, _clock.Elapsed));
        }
    }

    public sealed record Sent(NodeName From, NodeName To, string Channel, string Text);

    public sealed record Arrival(NodeName From, NodeName To, string Channel, string Text, TimeSpan At);
}

/// <summary>Counts <see cref="PartisanMetrics.MessagesDropped"/> by (reason, direction, channel) while alive.</summary>
internal sealed class DroppedCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string? Reason, string? Direction, string? Channel), long> _counts = new();

    public DroppedCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PartisanMetrics.MeterName && instrument.Name == PartisanMetrics.MessagesDropped)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? reason = null, direction = null, channel = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "reason": reason = (string?)tag.Value; break;
                    case "direction": direction = (string?)tag.Value; break;
                    case "channel": channel = (string?)tag.Value; break;
                }
            }

            _counts.AddOrUpdate((reason, direction, channel), value, (_, old) => old + value);
        });
        _listener.Start();
    }

    public long this[string reason, string direction, string channel] => _counts.GetValueOrDefault((reason, direction, channel));

    public long Total(string reason) => _counts.Where(c => c.Key.Reason == reason).Sum(c => c.Value);

    public void Dispose() => _listener.Dispose();
}

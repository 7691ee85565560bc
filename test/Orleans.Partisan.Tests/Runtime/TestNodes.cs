using System.Collections.Immutable;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Partisan.Runtime;
using Orleans.Partisan.Transport;
using Orleans.Serialization;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>Overlay nodes outside Orleans, on loopback with OS-chosen ports.</summary>
internal sealed class TestNodes : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly WireCodec Codec = new(new ServiceCollection().AddSerializer().BuildServiceProvider());
    private static int _next;
    private readonly List<PartisanNode> _nodes = [];

    public IReadOnlyList<PartisanNode> Nodes => _nodes;

    public async Task<PartisanNode> StartAsync(TimeSpan? gossipInterval = null, IPartisanInterposer? interposer = null, IBroadcastHandlerInvoker? broadcastHandlers = null, PlumtreeOptions? plumtree = null, PartisanPeerService peerService = PartisanPeerService.FullMesh, TimeSpan? processMonitorCheckInterval = null, DeliveryOptions? delivery = null)
    {
        var name = new NodeName($"node{Interlocked.Increment(ref _next)}");
        var settings = new PartisanNodeSettings
        {
            GossipInterval = gossipInterval ?? TimeSpan.FromSeconds(10),
            PeerService = peerService,
            ProcessMonitorCheckInterval = processMonitorCheckInterval ?? TimeSpan.FromSeconds(5),
            Plumtree = plumtree ?? new PlumtreeOptions(),
            Delivery = delivery ?? new DeliveryOptions(),
            BroadcastHandlers = broadcastHandlers is null ? [] : [MemoryBroadcastHandler.Registration],
            Transport = new TransportSettings
            {
                ClusterId = "runtime-tests",
                LocalName = name,
                ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
                Channels = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, ChannelOptions>
                {
                    [PartisanChannels.Default] = new(),
                    ["bulk"] = new() { Parallelism = 2 },
                }),
                ReconnectInterval = TimeSpan.FromMilliseconds(100),
                MaxReconnectInterval = TimeSpan.FromMilliseconds(500),
            },
        };
        var node = new PartisanNode(settings, Codec, NullLoggerFactory.Instance, TimeProvider.System, interposer: interposer, broadcastInvoker: broadcastHandlers);
        await node.StartAsync(CancellationToken.None);
        _nodes.Add(node);
        return node;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, Func<string> expected)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > Timeout)
            {
                Assert.Fail($"Timed out after {Timeout.TotalSeconds:0} s waiting for {expected()}.");
            }

            await Task.Delay(PollInterval);
        }
    }

    public static string Known(IPartisan node) => $"{node.Name} knows [{string.Join(",", node.GetNodes(NodeSelection.Known))}]";

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }
}

/// <summary>Counts <see cref="PartisanMetrics.MessagesUndeliverable"/> by reason while alive.</summary>
internal sealed class UndeliverableCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _byReason = new();

    public UndeliverableCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PartisanMetrics.MeterName && instrument.Name == PartisanMetrics.MessagesUndeliverable)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    _byReason.AddOrUpdate((string)tag.Value!, value, (_, old) => old + value);
                }
            }
        });
        _listener.Start();
    }

    public long this[string reason] => _byReason.GetValueOrDefault(reason);

    public void Dispose() => _listener.Dispose();
}

[GenerateSerializer, Alias("test.runtime.Note")]
public sealed record Note([property: Id(0)] string Text, [property: Id(1)] ProcessRef? ReplyTo = null);

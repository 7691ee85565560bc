using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Runtime;
using Orleans.Partisan.Transport;
using Orleans.Serialization;

namespace Orleans.Partisan.Benchmarks;

/// <summary>Two overlay nodes, "a" and "b", on 127.0.0.1 with OS-chosen ports, a joined to b; over TLS when <c>tls</c> gives each its options.</summary>
internal sealed class OverlayPair : IAsyncDisposable
{
    public static readonly WireCodec Codec = new(new ServiceCollection().AddSerializer().BuildServiceProvider());

    private OverlayPair(PartisanNode a, PartisanNode b, int sendQueueCapacity)
    {
        A = a;
        B = b;
        SendQueueCapacity = sendQueueCapacity;
    }

    public PartisanNode A { get; }

    public PartisanNode B { get; }

    /// <summary>The send queue's bound of every connection.</summary>
    public int SendQueueCapacity { get; }

    public static async Task<OverlayPair> StartAsync(
        string prefix,
        ILoggerFactory loggerFactory,
        IEnumerable<string>? extraChannels = null,
        int? maxFrameSize = null,
        int? sendQueueCapacity = null,
        Func<string, PartisanTlsOptions>? tls = null)
    {
        var channels = ImmutableSortedDictionary.CreateBuilder<string, ChannelOptions>(StringComparer.Ordinal);
        channels[PartisanChannels.Default] = new ChannelOptions { Parallelism = 1 };
        foreach (var channel in extraChannels ?? [])
        {
            channels[channel] = new ChannelOptions { Parallelism = 1 };
        }

        var queueCapacity = 0;
        PartisanNode Create(string name)
        {
            var transport = new TransportSettings
            {
                ClusterId = "bench-" + prefix,
                LocalName = new NodeName(prefix + "-" + name),
                ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
                Channels = channels.ToImmutable(),
            };
            if (maxFrameSize is { } frame)
            {
                transport = transport with { MaxFrameSize = frame };
            }

            if (sendQueueCapacity is { } capacity)
            {
                transport = transport with { SendQueueCapacity = capacity };
            }

            if (tls is not null)
            {
                transport = transport with { Tls = tls(name) };
            }

            queueCapacity = transport.SendQueueCapacity;

            return new PartisanNode(new PartisanNodeSettings { Transport = transport }, Codec, loggerFactory, TimeProvider.System);
        }

        var a = Create("a");
        var b = Create("b");
        await a.StartAsync(CancellationToken.None);
        await b.StartAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await a.JoinAsync(b.Spec, timeout.Token);

        // b dials a once it has merged a's membership; replies need that direction too.
        var watch = Stopwatch.StartNew();
        while (!b.IsFullyConnected(a.Name) || !a.IsFullyConnected(b.Name))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new BenchmarkTimeoutException($"{prefix}: nodes not fully connected both ways within 30 s");
            }

            await Task.Delay(10);
        }

        return new OverlayPair(a, b, queueCapacity);
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}

using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// How long setting up one overlay connection takes: a probe (TCP connect, the TLS handshake when on, the acceptor's
/// hello read and checked, close) from one transport to another on loopback, timed many times in turns for two
/// set-ups so that both see the same machine.
/// </summary>
internal sealed class ConnectionSetupTimer : IAsyncDisposable
{
    private readonly OverlayTransport _dialler;
    private readonly OverlayTransport _listener;

    private ConnectionSetupTimer(OverlayTransport dialler, OverlayTransport listener)
    {
        _dialler = dialler;
        _listener = listener;
    }

    /// <summary>Two transports, <paramref name="tls"/> giving each its TLS options (or none).</summary>
    public static async Task<ConnectionSetupTimer> StartAsync(string prefix, ILoggerFactory loggerFactory, Func<string, PartisanTlsOptions?> tls)
    {
        OverlayTransport Create(string name) => new(
            new TransportSettings
            {
                ClusterId = "bench-" + prefix,
                LocalName = new NodeName(prefix + "-" + name),
                ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
                Channels = ImmutableSortedDictionary.Create<string, ChannelOptions>(StringComparer.Ordinal).Add(PartisanChannels.Default, new ChannelOptions()),
                Tls = tls(name),
            },
            OverlayPair.Codec,
            new NoEvents(),
            loggerFactory.CreateLogger<OverlayTransport>(),
            TimeProvider.System);
        var dialler = Create("dialler");
        var listener = Create("listener");
        await dialler.StartAsync(CancellationToken.None);
        await listener.StartAsync(CancellationToken.None);
        return new ConnectionSetupTimer(dialler, listener);
    }

    /// <summary>Times one probe, in milliseconds.</summary>
    public async Task<double> ProbeAsync()
    {
        var start = Stopwatch.GetTimestamp();
        await _dialler.ProbeAsync(_listener.LocalSpec.ListenAddresses[0], CancellationToken.None);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    public async ValueTask DisposeAsync()
    {
        await _dialler.DisposeAsync();
        await _listener.DisposeAsync();
    }

    private sealed class NoEvents : ITransportEvents
    {
        public void OnPeerUp(NodeSpec peer)
        {
        }

        public void OnPeerDown(NodeName peer, CloseReason reason)
        {
        }

        public void OnMessage(NodeName from, string channel, object message)
        {
        }
    }
}

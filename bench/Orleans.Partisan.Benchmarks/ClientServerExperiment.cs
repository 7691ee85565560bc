using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Partisan.Runtime;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Issue 13's client-server peer service: what the relay through a server costs a client's message to another client,
/// beside the same message from the client straight to the server (one hop), in one run. Three overlay nodes in this
/// process on 127.0.0.1 (one server, two clients): call round trips (p50, p99) and one-way forwards per second.
/// Run: <c>dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- clientserver [--quick]</c>.
/// </summary>
internal static class ClientServerExperiment
{
    private static int _next;

    public static async Task RunAsync(string[] args, TextWriter output)
    {
        var quick = args.Contains("--quick");
        var calls = quick ? 2_000 : 10_000;
        var forwards = quick ? 50_000 : 200_000;
        output.WriteLine("# Client-server: a client's messages to another client, relayed by a server, beside client to server");
        output.WriteLine();
        output.WriteLine("Command: `dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- " + string.Join(' ', args) + "`");
        output.WriteLine($"- machine: {Environment.ProcessorCount} logical cores; load average at start (1/5/15 min) {MachineLoad.LoadAverage()}; the machine may be shared, so compare the ratios");
        output.WriteLine();

        var server = await StartAsync(PartisanNodeRole.Server);
        var c1 = await StartAsync(PartisanNodeRole.Client);
        var c2 = await StartAsync(PartisanNodeRole.Client);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await server.JoinAsync(c1.Spec, timeout.Token);
            await server.JoinAsync(c2.Spec, timeout.Token);
            await WaitAsync(() => c1.IsFullyConnected(server.Name) && c2.IsFullyConnected(server.Name) && c1.GetNodes(NodeSelection.Known).Count == 3, "the clients connected to the server and knowing each other");

            var direct = await CallsAsync(c1, server, calls);
            var relayed = await CallsAsync(c1, c2, calls);
            var directRate = await ForwardsAsync(c1, server, forwards);
            var relayedRate = await ForwardsAsync(c1, c2, forwards);

            output.WriteLine("| measure | client to server (1 hop) | client to client (through the server) | ratio |");
            output.WriteLine("| --- | --- | --- | --- |");
            output.WriteLine($"| call round trip p50 ({calls:N0} calls) | {direct.P50:0} µs | {relayed.P50:0} µs | {relayed.P50 / direct.P50:0.00}x |");
            output.WriteLine($"| call round trip p99 | {direct.P99:0} µs | {relayed.P99:0} µs | {relayed.P99 / direct.P99:0.00}x |");
            output.WriteLine($"| one-way forwards of 64 B ({forwards:N0}) | {directRate:N0}/s | {relayedRate:N0}/s | {relayedRate / directRate:0.00}x |");
        }
        finally
        {
            await c2.DisposeAsync();
            await c1.DisposeAsync();
            await server.DisposeAsync();
        }
    }

    /// <summary>Sequential calls from <paramref name="from"/> to a mailbox on <paramref name="to"/> that replies at once; round trips in microseconds.</summary>
    private static async Task<(double P50, double P99)> CallsAsync(PartisanNode from, PartisanNode to, int count)
    {
        using var mailbox = to.CreateMailbox();
        using var stop = new CancellationTokenSource();
        var replier = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var request = await mailbox.ReceiveAsync(stop.Token);
                    await request.ReplyAsync(request.Message);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The measurement is over.
            }
        });

        var payload = new byte[64];
        var samples = new double[count];
        for (var i = -count / 10; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await from.CallAsync<byte[]>(to.Name, mailbox.Self, payload, timeout: TimeSpan.FromSeconds(10));
            if (i >= 0)
            {
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        }

        await stop.CancelAsync();
        await replier;
        Array.Sort(samples);
        return (samples[count / 2], samples[(int)(count * 0.99)]);
    }

    /// <summary>One-way forwards of 64 bytes from <paramref name="from"/> to a receiver on <paramref name="to"/>; messages per second until the last arrived.</summary>
    private static async Task<double> ForwardsAsync(PartisanNode from, PartisanNode to, int count)
    {
        var arrivals = new ArrivalCounter();
        var name = "sink" + Interlocked.Increment(ref _next);
        using var registration = to.RegisterReceiver(name, _ => arrivals.Increment());
        var target = PartisanTarget.Named(name);
        var payload = new byte[64];

        // Warm-up, then the measured run.
        arrivals.Arm(count / 10);
        for (var i = 0; i < count / 10; i++)
        {
            await from.ForwardMessageAsync(to.Name, target, payload);
        }

        await arrivals.WaitAsync(TimeSpan.FromSeconds(60));
        arrivals.Arm(count);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            await from.ForwardMessageAsync(to.Name, target, payload);
        }

        var end = await arrivals.WaitAsync(TimeSpan.FromSeconds(120));
        return count / Stopwatch.GetElapsedTime(start, end).TotalSeconds;
    }

    private static async Task<PartisanNode> StartAsync(PartisanNodeRole role)
    {
        var transport = new TransportSettings
        {
            ClusterId = "bench-clientserver",
            LocalName = new NodeName($"{role}-{Interlocked.Increment(ref _next)}".ToLowerInvariant()),
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            Channels = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, ChannelOptions>(PartisanChannels.Default, new ChannelOptions())]),
        };
        var node = new PartisanNode(
            new PartisanNodeSettings { Transport = transport, PeerService = PartisanPeerService.ClientServer, ClientServerRole = role },
            OverlayPair.Codec,
            NullLoggerFactory.Instance,
            TimeProvider.System);
        await node.StartAsync(CancellationToken.None);
        return node;
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new BenchmarkTimeoutException($"not {what} within 30 s");
            }

            await Task.Delay(10);
        }
    }
}

using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Runtime;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// One overlay node of the parallelism experiment, run by <see cref="ParallelismExperiment"/> in a network namespace of
/// its own (<c>-- parallelism-node</c>). The receiver answers every call to <c>ack</c> with one byte. The sender joins
/// it and, for every channel and number of senders asked, runs that many senders for a while, each calling <c>ack</c>
/// with a 512 KiB message and its own index as partition key, one call after another (Partisan's actors, each sending
/// and waiting for the acknowledgement); it prints one <c>RESULT</c> line per measurement.
/// </summary>
internal static class ParallelismNode
{
    /// <summary>The message size, as in Partisan's experiment.</summary>
    public const int MessageSize = 512 * 1024;

    /// <summary>The channels every node has: the same traffic over 1, 4 or 16 connections.</summary>
    public static readonly IReadOnlyDictionary<string, int> Channels = new Dictionary<string, int> { ["p1"] = 1, ["p4"] = 4, ["p16"] = 16 };

    private const string Ack = "ack";

    public static async Task RunAsync(string[] args)
    {
        string Arg(string name) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault() ?? throw new ArgumentException($"--{name} is required");
        var role = Arg("role");
        var address = IPAddress.Parse(Arg("address"));
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        var channels = ImmutableSortedDictionary.CreateBuilder<string, ChannelOptions>(StringComparer.Ordinal);
        channels[PartisanChannels.Default] = new ChannelOptions { Parallelism = 1 };
        foreach (var (name, parallelism) in Channels)
        {
            channels[name] = new ChannelOptions { Parallelism = parallelism };
        }

        var transport = new TransportSettings
        {
            ClusterId = "bench-parallelism",
            LocalName = new NodeName("par-" + role),
            ListenEndPoint = new IPEndPoint(address, role == "receiver" ? int.Parse(Arg("port"), CultureInfo.InvariantCulture) : 0),
            Channels = channels.ToImmutable(),
        };
        if (args.SkipWhile(a => a != "--tcp-buffer").Skip(1).FirstOrDefault() is { } buffer)
        {
            // The largest TCP buffers autotuning may grow to, in this node's namespace only (the sysctls are per namespace).
            File.WriteAllText("/proc/sys/net/ipv4/tcp_rmem", $"4096 131072 {buffer}");
            File.WriteAllText("/proc/sys/net/ipv4/tcp_wmem", $"4096 16384 {buffer}");
        }

        await using var node = new PartisanNode(new PartisanNodeSettings { Transport = transport }, OverlayPair.Codec, loggerFactory, TimeProvider.System);
        await node.StartAsync(CancellationToken.None);
        Console.WriteLine($"BUFFERS tcp_rmem {Sysctl("tcp_rmem")}; tcp_wmem {Sysctl("tcp_wmem")}; tcp_congestion_control {Sysctl("tcp_congestion_control")}");
        if (role == "receiver")
        {
            var ack = new byte[1];
            node.RegisterReceiver(Ack, m => _ = m.ReplyAsync(ack).AsTask());
            Console.WriteLine("READY");
            await Task.Run(() => Console.In.ReadToEnd()); // until the parent closes standard input
            return;
        }

        var peer = IPEndPoint.Parse(Arg("peer"));
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await node.JoinAsync(peer, timeout.Token);
        }

        var receiver = new NodeName("par-receiver");
        var watch = Stopwatch.StartNew();
        while (!node.IsFullyConnected(receiver))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("The sender did not open every lane of every channel to the receiver within 60 s.");
            }

            await Task.Delay(20);
        }

        // The round trip the link adds, as a 1 B call sees it on the idle default channel.
        var rtts = new List<double>();
        var small = new byte[1];
        for (var i = 0; i < 50; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await node.CallAsync<byte[]>(receiver, PartisanTarget.Named(Ack), small, timeout: TimeSpan.FromSeconds(30));
            rtts.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        var idle = new LatencySamples([.. rtts], 0, GcActivity.None);
        Console.WriteLine(FormattableString.Invariant($"RTT {idle.P50:0.#} {rtts.Min():0.#}"));
        Console.WriteLine("READY");
        var seconds = double.Parse(Arg("seconds"), CultureInfo.InvariantCulture);
        var warmup = double.Parse(Arg("warmup"), CultureInfo.InvariantCulture);
        var message = new byte[MessageSize];
        Random.Shared.NextBytes(message);
        // The channels take turns at each number of senders, so that the ratios between them see the same machine.
        foreach (var senders in Arg("senders").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)))
        {
            foreach (var channel in Arg("channels").Split(','))
            {
                await MeasureAsync(node, receiver, channel, senders, message, TimeSpan.FromSeconds(warmup));
                var load = await MeasureAsync(node, receiver, channel, senders, message, TimeSpan.FromSeconds(seconds));
                Console.WriteLine(FormattableString.Invariant($"RESULT {channel} {senders} {load.CallsPerSecond:0.###} {load.Latency.P50:0.#} {load.Latency.P99:0.#} {load.Latency.Count} {load.Latency.Seconds:0.###}"));
            }
        }

        Console.WriteLine("DONE");
    }

    /// <summary><paramref name="senders"/> senders, each calling <c>ack</c> on its own partition key, one call after another.</summary>
    private static async Task<Load> MeasureAsync(PartisanNode node, NodeName receiver, string channel, int senders, byte[] message, TimeSpan duration)
    {
        var gc = GcActivity.Start();
        var watch = Stopwatch.StartNew();
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var target = PartisanTarget.Named(Ack);
        var callers = Enumerable.Range(0, senders).Select(index => Task.Run(async () =>
        {
            var options = new ForwardOptions { Channel = channel, PartitionKey = index };
            var samples = new List<double>();
            while (Stopwatch.GetTimestamp() < end)
            {
                var start = Stopwatch.GetTimestamp();
                await node.CallAsync<byte[]>(receiver, target, message, options, TimeSpan.FromSeconds(120));
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }

            return samples;
        })).ToArray();
        var all = (await Task.WhenAll(callers)).SelectMany(s => s).ToArray();
        var elapsed = watch.Elapsed.TotalSeconds;
        return new Load(all.Length / elapsed, new LatencySamples(all, elapsed, gc.Stop()));
    }

    private static string Sysctl(string name)
    {
        try
        {
            // /proc/sys/net shows the settings of the reading process's own network namespace.
            return File.ReadAllText("/proc/sys/net/ipv4/" + name).Trim().Replace('\t', ' ');
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}

using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Partisan.ProcessHost;
using static Orleans.Partisan.Benchmarks.Report;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Issue 14 item 3, head-of-line blocking judged against the alternative: between two silos in two processes over
/// loopback TCP (this process is silo A, a <see cref="SiloProcess"/> silo B), a 64 B round trip sampled one at a time
/// while 8 MiB messages stream from A to B. Orleans: a grain call to an echo grain pinned to B beside 8 MiB grain calls
/// to a sink grain pinned to B (all on Orleans' one connection per silo pair). Overlay: <c>CallAsync</c> to B's echo
/// receiver on the default channel beside 8 MiB forwards on a channel "bulk" of its own. Idle, beside the stream at full
/// speed and beside the stream paced, for both, taken in turns.
/// </summary>
internal static class HolExperiment
{
    /// <summary>The bulk stream's message size.</summary>
    public const int BulkSize = 8 * 1024 * 1024;

    /// <summary>The paced stream's rate, as in the overlay messaging section (issue 2).</summary>
    public const double PacedMegabytesPerSecond = 250;

    /// <summary>Orleans bulk calls outstanding at once; the overlay's send queue holds as many (<c>SendQueueCapacity</c>).</summary>
    private const int BulkInFlight = 4;

    private const string BulkChannel = "bulk";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static async Task RunAsync(string[] args, TextWriter output)
    {
        var quick = args.Contains("--quick");
        var samples = quick ? 200 : 1000;
        var budget = TimeSpan.FromSeconds(quick ? 5 : 60);
        var rounds = quick ? 1 : 2;
        output.WriteLine("# Orleans.Partisan head-of-line experiment (issue 14 item 3)");
        output.WriteLine();
        output.WriteLine("Command: `dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- " + string.Join(' ', args) + "`");
        output.WriteLine();
        output.WriteLine($"- machine: {Environment.ProcessorCount} logical cores; load average at start {MachineLoad.LoadAverage()}");

        var primaryPort = SiloProcess.FreePort();
        await using var remote = SiloProcess.Start("silo B", new Dictionary<string, string>
        {
            ["Clustering"] = "Development",
            ["PrimaryPort"] = primaryPort.ToString(Culture),
            ["ClusterId"] = "bench-hol",
            ["Channels"] = BulkChannel,
            ["MaxFrameSize"] = (BulkSize + 1024 * 1024).ToString(Culture),
            ["SendQueueCapacity"] = BulkInFlight.ToString(Culture),
        }, siloPort: primaryPort);
        await remote.WaitReadyAsync(Timeout);
        var remoteSilo = remote.SiloAddress!;

        using var host = StartLocalSilo(primaryPort);
        await host.StartAsync();
        var partisan = host.Services.GetRequiredService<IPartisan>();
        var node = new NodeName(remoteSilo);
        var connected = Stopwatch.StartNew();
        while (!partisan.IsFullyConnected(node))
        {
            if (connected.Elapsed > Timeout)
            {
                throw new TimeoutException($"The overlay did not connect every channel to {node} within {Timeout}. {remote.Describe()}");
            }

            await Task.Delay(50);
        }

        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var ping = Payload.OfSize(64).Data; // byte[]: silo B has no benchmark types
        var bulk = Payload.OfSize(BulkSize).Data;
        var echo = PartisanTarget.Named(EchoReceivers.Echo);
        var sink = PartisanTarget.Named(EchoReceivers.Sink);
        var echoGrain = grains.GetGrain<IEchoGrain>(remoteSilo);
        var sinkGrain = grains.GetGrain<IBulkSinkGrain>(remoteSilo);
        var bulkOptions = new ForwardOptions { Channel = BulkChannel };
        var overlay = new Contender(
            "overlay",
            () => partisan.CallAsync<byte[]>(node, echo, ping),
            token => partisan.ForwardMessageAsync(node, sink, bulk, bulkOptions, token).AsTask(),
            Lanes: 1,
            Drain: () => partisan.CallAsync<byte[]>(node, echo, ping, bulkOptions, Timeout)); // behind every queued bulk message
        var orleans = new Contender(
            "Orleans",
            () => echoGrain.Echo(ping),
            _ => sinkGrain.Receive(bulk),
            Lanes: BulkInFlight,
            Drain: () => Task.CompletedTask); // a call has completed once delivered
        Contender[] contenders = [overlay, orleans];

        // Warm-up: each ping, each stream, until the JIT has done its work.
        foreach (var contender in contenders)
        {
            await SampleAsync(contender, samples / 5, budget / 4);
            await using var stream = await BulkStreamOf.StartAsync(contender, null);
            await SampleAsync(contender, samples / 10, budget / 4);
        }

        string[] situations = ["idle", "beside the 8 MiB stream", $"beside the 8 MiB stream paced to {PacedMegabytesPerSecond:0} MB/s"];
        var results = contenders.ToDictionary(c => c.Name, _ => situations.ToDictionary(s => s, _ => new List<LatencySamples>()));
        var megabytes = contenders.ToDictionary(c => c.Name, _ => situations.ToDictionary(s => s, _ => 0.0));
        for (var round = 0; round < rounds; round++)
        {
            foreach (var situation in situations)
            {
                foreach (var contender in contenders)
                {
                    double? rate = situation == situations[0] ? null : situation == situations[1] ? double.PositiveInfinity : PacedMegabytesPerSecond;
                    LatencySamples taken;
                    if (rate is null)
                    {
                        taken = await SampleAsync(contender, samples / rounds, budget / rounds);
                    }
                    else
                    {
                        await using var stream = await BulkStreamOf.StartAsync(contender, double.IsPositiveInfinity(rate.Value) ? null : rate);
                        var before = stream.Completed;
                        taken = await SampleAsync(contender, samples / rounds, budget / rounds);
                        megabytes[contender.Name][situation] += (stream.Completed - before) * (double)BulkSize / 1e6;
                    }

                    results[contender.Name][situation].Add(taken);
                    output.WriteLine($"> round {round + 1}, {contender.Name}, {situation}: p50 {Fixed(taken.P50)} µs, p99 {Fixed(taken.P99)} µs, max {Fixed(taken.Max)} µs, {taken.Count} samples");
                }
            }
        }

        var combined = contenders.ToDictionary(c => c.Name, c => situations.ToDictionary(s => s, s => LatencySamples.Combine(results[c.Name][s])));
        output.WriteLine();
        output.WriteLine("| 64 B round trip, µs | overlay p50 | overlay p99 | overlay max | Orleans p50 | Orleans p99 | Orleans max | overlay p99 / Orleans p99 |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var situation in situations)
        {
            var (o, g) = (combined[overlay.Name][situation], combined[orleans.Name][situation]);
            output.WriteLine($"| {situation} | {Fixed(o.P50)} | {Fixed(o.P99)} | {Fixed(o.Max)} | {Fixed(g.P50)} | {Fixed(g.P99)} | {Fixed(g.Max)} | {Ratio(o.P99 / g.P99)} |");
        }

        output.WriteLine();
        foreach (var situation in situations.Skip(1))
        {
            var rates = contenders.Select(c => $"{c.Name} {Fixed(megabytes[c.Name][situation] / combined[c.Name][situation].Seconds)} MB/s");
            output.WriteLine($"- bulk sent while sampling, {situation}: {string.Join(", ", rates)}");
        }

        foreach (var contender in contenders)
        {
            var samplesText = situations.Select(s => $"{s} {combined[contender.Name][s].Count} in {Fixed(combined[contender.Name][s].Seconds, 1)} s ({combined[contender.Name][s].Gc})");
            output.WriteLine($"- {contender.Name} samples: {string.Join("; ", samplesText)}");
        }

        var beside = situations[1];
        var paced = situations[2];
        var ratio = combined[overlay.Name][beside].P99 / combined[orleans.Name][beside].P99;
        var pacedRatio = combined[overlay.Name][paced].P99 / combined[overlay.Name][situations[0]].P99;
        output.WriteLine($"- overlay p99 beside the stream / idle p99: {Ratio(combined[overlay.Name][beside].P99 / combined[overlay.Name][situations[0]].P99)}; Orleans: {Ratio(combined[orleans.Name][beside].P99 / combined[orleans.Name][situations[0]].P99)}");
        output.WriteLine($"- target overlay p99 beside the stream ≤ 0.1x Orleans p99 beside the stream: {Ratio(ratio)}, {(ratio <= 0.1 ? "met" : "not met")}");
        output.WriteLine($"- target overlay p99 beside the paced stream ≤ 3x overlay idle p99: {Ratio(pacedRatio)}, {(pacedRatio <= 3 ? "met" : "not met")}");
        output.WriteLine($"- load average at the end {MachineLoad.LoadAverage()}");

        await host.StopAsync();
        await remote.StopAsync(Timeout);
    }

    /// <summary>Up to <paramref name="count"/> round trips one at a time, a timer tick apart (as <see cref="PingPong"/>), stopping after <paramref name="budget"/>.</summary>
    private static async Task<LatencySamples> SampleAsync(Contender contender, int count, TimeSpan budget)
    {
        var results = new List<double>(count);
        var gc = GcActivity.Start();
        var watch = Stopwatch.StartNew();
        while (results.Count < count && watch.Elapsed < budget)
        {
            var start = Stopwatch.GetTimestamp();
            await contender.Ping().WaitAsync(TimeSpan.FromSeconds(60));
            results.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            await Task.Delay(1);
        }

        return new LatencySamples([.. results], watch.Elapsed.TotalSeconds, gc.Stop());
    }

    private static IHost StartLocalSilo(int primaryPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.None).SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans.Runtime", LogLevel.Error).AddFilter("Orleans.Messaging", LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("bench-hol", "bench-hol"));
            silo.ConfigureEndpoints(IPAddress.Loopback, SiloProcess.FreePort(), SiloProcess.FreePort(), listenOnAnyHostAddress: false);
            silo.UseDevelopmentClustering(new IPEndPoint(IPAddress.Loopback, primaryPort));
            silo.AddPartisan(o =>
            {
                o.ListenAddress = IPAddress.Loopback;
                o.Channels[BulkChannel] = new ChannelOptions { Parallelism = 1 };
                o.MaxFrameSize = BulkSize + 1024 * 1024;
                o.SendQueueCapacity = BulkInFlight;
            });
        });
        return builder.Build();
    }

    /// <summary>
    /// One system: its 64 B round trip, one 8 MiB send of its bulk stream, how many such sends run at once, and a wait
    /// until everything sent has arrived (so that no stream runs on into the next measurement).
    /// </summary>
    private sealed record Contender(string Name, Func<Task> Ping, Func<CancellationToken, Task> SendBulk, int Lanes, Func<Task> Drain);

    /// <summary>A contender's bulk stream, at full speed or paced (counted from its start), until disposed.</summary>
    private sealed class BulkStreamOf : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Contender? _contender;
        private Task[] _lanes = [];
        private long _completed;

        public long Completed => Interlocked.Read(ref _completed);

        public static async Task<BulkStreamOf> StartAsync(Contender contender, double? megabytesPerSecond)
        {
            var stream = new BulkStreamOf { _contender = contender };
            var token = stream._stop.Token;
            var pace = Stopwatch.StartNew();
            long started = 0;
            stream._lanes = [.. Enumerable.Range(0, contender.Lanes).Select(_ => Task.Run(async () =>
            {
                try
                {
                    while (!token.IsCancellationRequested)
                    {
                        var index = Interlocked.Increment(ref started);
                        if (megabytesPerSecond is { } rate)
                        {
                            var due = TimeSpan.FromSeconds((index - 1) * (double)BulkSize / 1e6 / rate) - pace.Elapsed;
                            if (due > TimeSpan.Zero)
                            {
                                await Task.Delay(due, token);
                            }
                        }

                        await contender.SendBulk(token);
                        Interlocked.Increment(ref stream._completed);
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // Stopped.
                }
            }))];

            // Running: a few messages through before sampling starts.
            var watch = Stopwatch.StartNew();
            while (stream.Completed < 3)
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new BenchmarkTimeoutException($"{contender.Name}: the bulk stream completed fewer than 3 sends in 60 s");
                }

                await Task.Delay(10);
            }

            return stream;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_lanes).WaitAsync(TimeSpan.FromSeconds(60));
            await _contender!.Drain().WaitAsync(TimeSpan.FromSeconds(60));
            _stop.Dispose();
        }
    }
}

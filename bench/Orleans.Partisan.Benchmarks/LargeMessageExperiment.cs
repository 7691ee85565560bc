using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using static Orleans.Partisan.Benchmarks.Report;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Issue 14 item 1, focused: one-way 16 KiB messages through the overlay beside the raw socket (the ceiling), and
/// nothing else (no Orleans), so that a change to the transport can be judged in a few minutes. The two contenders
/// are the throughput section's (<see cref="RawSocketPair"/>, <see cref="OverlayPair"/>), measured as it measures them
/// (the time from the first send to the last arrival, the process's CPU time per message), after 3 s of warm-up each,
/// in turns, one run of about a second each per round; each round prints both, their ratios, the bytes allocated per
/// message (and of those, new frame buffers) and the collections. <c>--profile S</c> runs the overlay alone for S
/// seconds instead (to attach <c>perf</c> to), and <c>--raw-profile S</c> the ceiling alone.
/// </summary>
internal static class LargeMessageExperiment
{
    private const string Raw = "raw TCP", Overlay = "overlay";

    public static async Task RunAsync(string[] args, TextWriter output)
    {
        var size = Argument(args, "--size", 16 * 1024);
        var rounds = Argument(args, "--rounds", 9);
        var profile = Argument(args, "--profile", 0);
        var rawProfile = Argument(args, "--raw-profile", 0);
        Throughput.Verbose = args.Contains("--verbose");
        output.WriteLine("# Orleans.Partisan large messages: overlay beside the raw socket");
        output.WriteLine();
        output.WriteLine("Command: `dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- " + string.Join(' ', args) + "`");
        output.WriteLine();
        output.WriteLine($"- machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        output.WriteLine($"- load average at start (1/5/15 min): {LoadAverage()}");
        var machine = MachineLoad.Start();

        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.None));
        await using var raw = await RawSocketPair.StartAsync(queueCapacity: 1024);
        await using var pair = await OverlayPair.StartAsync("large", loggerFactory);
        var counter = new ArrivalCounter();
        pair.B.RegisterReceiver("sink", _ => counter.Increment());
        var sink = PartisanTarget.Named("sink");
        var bytes = Payload.OfSize(size).Data;
        var message = Payload.OfSize(size);
        var rawContender = new Contender(Raw, raw.Counter, async n =>
        {
            for (long i = 0; i < n; i++)
            {
                await raw.SendAsync(bytes);
            }
        }, 4_000);
        var overlayContender = new Contender(Overlay, counter, async n =>
        {
            for (long i = 0; i < n; i++)
            {
                await pair.A.ForwardMessageAsync(pair.B.Name, sink, message);
            }
        }, 4_000);

        if (profile > 0 || rawProfile > 0)
        {
            var alone = profile > 0 ? overlayContender : rawContender;
            var seconds = profile > 0 ? profile : rawProfile;
            await Throughput.CompareAsync([alone], size, seconds, 1.0, 1, 400_000);
            return;
        }

        // Warm-up (the JIT needs a few seconds of steady traffic on two cores), then rounds in which each runs once, in turns.
        var messages = new Dictionary<string, long>();
        foreach (var contender in new[] { rawContender, overlayContender })
        {
            var warming = Stopwatch.StartNew();
            Sample last;
            do
            {
                last = await RunOnceAsync(contender, contender.WarmupMessages);
            }
            while (warming.Elapsed.TotalSeconds < 3.0);

            messages[contender.Name] = (long)Math.Clamp(last.Rate, contender.WarmupMessages, 400_000);
        }

        var rows = new List<string>();
        var rateRatios = new List<double>();
        var cpuRatios = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var r = await RunOnceAsync(rawContender, messages[Raw]);
            var o = await RunOnceAsync(overlayContender, messages[Overlay]);
            rateRatios.Add(o.Rate / r.Rate);
            cpuRatios.Add(o.CpuMicroseconds / r.CpuMicroseconds);
            rows.Add($"| {round + 1} | {Count(o.Rate)} | {Fixed(o.CpuMicroseconds, 2)} | {Count(r.Rate)} | {Fixed(r.CpuMicroseconds, 2)} | {Ratio(rateRatios[^1])} | {Ratio(cpuRatios[^1])} | {o.Details} | {r.Details} |");
        }

        output.WriteLine();
        output.WriteLine("| round | overlay msg/s | overlay CPU µs/msg | raw msg/s | raw CPU µs/msg | rate overlay / raw (≥ 0.70) | CPU overlay / raw (≤ 1.30) | overlay: B allocated, B of new frame buffers per msg; gen0/1/2 GCs | raw: the same |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (var row in rows)
        {
            output.WriteLine(row);
        }

        output.WriteLine($"| median | | | | | {Ratio(Median(rateRatios))} | {Ratio(Median(cpuRatios))} | | |");
        output.WriteLine();
        var (self, others) = machine?.Stop() ?? (double.NaN, double.NaN);
        output.WriteLine($"- {size} B payload, {Count(messages[Overlay])} overlay and {Count(messages[Raw])} raw messages per round; load average at end: {LoadAverage()}; this process {Fixed(self, 0)} % of the machine, other processes {Fixed(others, 0)} %");
    }

    /// <summary>One timed run: the rate (first send to last arrival), the process's CPU time and allocations per message, the collections.</summary>
    private static async Task<Sample> RunOnceAsync(Contender contender, long messages)
    {
        var counter = contender.Counter;
        counter.Arm(messages);
        var gc = GcActivity.Start();
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var frames = Orleans.Partisan.Transport.FramePool.AllocatedBytes;
        var cpu = Environment.CpuUsage.TotalTime;
        var start = Stopwatch.GetTimestamp();
        var sending = Task.Run(() => contender.SendAll(messages));
        long end;
        try
        {
            end = await counter.WaitAsync(Throughput.RunTimeout);
        }
        finally
        {
            counter.Disarm();
        }

        await sending.WaitAsync(Throughput.RunTimeout);
        var cpuTime = Environment.CpuUsage.TotalTime - cpu;
        var collections = gc.Stop();
        var details = $"{Fixed((GC.GetTotalAllocatedBytes(precise: false) - allocated) / (double)messages, 0)}, {Fixed((Orleans.Partisan.Transport.FramePool.AllocatedBytes - frames) / (double)messages, 0)}; {collections.Gen0}/{collections.Gen1}/{collections.Gen2}";
        return new Sample(messages / Stopwatch.GetElapsedTime(start, end).TotalSeconds, cpuTime.TotalMicroseconds / messages, details);
    }

    private sealed record Sample(double Rate, double CpuMicroseconds, string Details);

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static int Argument(string[] args, string name, int fallback)
    {
        var value = args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
    }

    private static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{fields[0]} / {fields[1]} / {fields[2]}";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}

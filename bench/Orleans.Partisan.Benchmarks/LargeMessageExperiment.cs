using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using static Orleans.Partisan.Benchmarks.Report;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Issue 14 item 1, focused: one-way 16 KiB messages through the overlay beside the raw socket (the ceiling), and
/// nothing else (no Orleans), so that a change to the transport can be judged in a few minutes. The two contenders
/// are the throughput section's (<see cref="RawSocketPair"/>, <see cref="OverlayPair"/>), measured the same way
/// (<see cref="Throughput.CompareAsync"/>: in turns, median of the rounds), with more rounds than that section
/// takes, and the overlay's ratios to the ceiling printed with each round's. <c>--profile S</c> runs the overlay
/// alone for S seconds instead (to attach <c>perf</c> to), and <c>--raw-profile S</c> the ceiling alone.
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

        var rows = new List<string>();
        var overlayRates = new List<double>();
        var cpuRatios = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            // Each round warms both up briefly and takes one timed run of each, in turns.
            var rates = await Throughput.CompareAsync([rawContender, overlayContender], size, round == 0 ? 3.0 : 0.5, 1.0, 1, 400_000);
            var r = rates[Raw];
            var o = rates[Overlay];
            overlayRates.Add(o.MessagesPerSecond / r.MessagesPerSecond);
            cpuRatios.Add(o.CpuMicrosecondsPerMessage / r.CpuMicrosecondsPerMessage);
            rows.Add($"| {round + 1} | {Count(o.MessagesPerSecond)} | {Fixed(o.CpuMicrosecondsPerMessage, 2)} | {Count(r.MessagesPerSecond)} | {Fixed(r.CpuMicrosecondsPerMessage, 2)} | {Ratio(overlayRates[^1])} | {Ratio(cpuRatios[^1])} |");
        }

        output.WriteLine();
        output.WriteLine($"| round | overlay msg/s | overlay CPU µs/msg | raw msg/s | raw CPU µs/msg | rate overlay / raw (≥ 0.70) | CPU overlay / raw (≤ 1.30) |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            output.WriteLine(row);
        }

        output.WriteLine($"| median | | | | | {Ratio(Median(overlayRates))} | {Ratio(Median(cpuRatios))} |");
        output.WriteLine();
        var (self, others) = machine?.Stop() ?? (double.NaN, double.NaN);
        output.WriteLine($"- {size} B payload; load average at end: {LoadAverage()}; this process {Fixed(self, 0)} % of the machine, other processes {Fixed(others, 0)} %");
    }

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

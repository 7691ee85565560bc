using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Issue 13's cost of tracing: plain forwards (64 B, one sender) and calls (64 B, 32 callers) between two overlay nodes
/// of this process, without a listener of the overlay's activity source and with one that records every span, in
/// alternating rounds, each figure as the median of its rounds and the traced one as a ratio of the untraced.
/// </summary>
internal static class TracingExperiment
{
    private const int Rounds = 5;
    private const int Callers = 32;

    public static async Task RunAsync(string[] args, TextWriter output)
    {
        var seconds = args.Contains("--quick") ? 0.5 : 2.0;
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning));
        await using var pair = await OverlayPair.StartAsync("tracing", loggerFactory);
        long received = 0;
        using var sink = pair.B.RegisterReceiver("sink", _ => Interlocked.Increment(ref received));
        using var echo = pair.B.RegisterReceiver("echo", m => _ = m.ReplyAsync(m.Message));
        var payload = new Payload(new byte[64]);
        var results = new Dictionary<(string Workload, bool Traced), List<double>>();

        output.WriteLine("# Tracing cost (issue 13)");
        output.WriteLine();
        output.WriteLine("Command: `dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- tracing" + (args.Contains("--quick") ? " --quick" : "") + "`");
        output.WriteLine($"- machine: {Environment.ProcessorCount} logical cores; {Rounds} alternating rounds of {seconds} s per figure, after a warm-up");
        output.WriteLine();

        await ForwardsAsync(TimeSpan.FromSeconds(seconds)); // warm-up
        await CallsAsync(TimeSpan.FromSeconds(seconds));
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var traced in new[] { false, true })
            {
                using var listener = traced ? Record() : null;
                Add("forward 64 B", traced, await ForwardsAsync(TimeSpan.FromSeconds(seconds)));
                Add("call 64 B", traced, await CallsAsync(TimeSpan.FromSeconds(seconds)));
            }
        }

        output.WriteLine("| workload | no listener (msg/s) | recording listener (msg/s) | ratio |");
        output.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var workload in new[] { "forward 64 B", "call 64 B" })
        {
            var off = Median(results[(workload, false)]);
            var on = Median(results[(workload, true)]);
            output.WriteLine($"| {workload} | {off:N0} | {on:N0} | {on / off:0.00} |");
        }

        void Add(string workload, bool traced, double rate)
        {
            if (!results.TryGetValue((workload, traced), out var rates))
            {
                results[(workload, traced)] = rates = [];
            }

            rates.Add(rate);
        }

        async Task<double> ForwardsAsync(TimeSpan duration)
        {
            var start = Interlocked.Read(ref received);
            var sent = 0L;
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < duration)
            {
                for (var i = 0; i < 1000; i++)
                {
                    await pair.A.ForwardMessageAsync(pair.B.Name, PartisanTarget.Named("sink"), payload);
                }

                sent += 1000;
            }

            var deadline = Stopwatch.StartNew();
            while (Interlocked.Read(ref received) - start < sent)
            {
                if (deadline.Elapsed > Throughput.RunTimeout)
                {
                    throw new BenchmarkTimeoutException($"tracing: {sent} forwards not all received within {Throughput.RunTimeout}");
                }

                await Task.Delay(1);
            }

            return sent / watch.Elapsed.TotalSeconds;
        }

        async Task<double> CallsAsync(TimeSpan duration)
        {
            var calls = 0L;
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
            {
                while (watch.Elapsed < duration)
                {
                    await pair.A.CallAsync<Payload>(pair.B.Name, PartisanTarget.Named("echo"), payload);
                    Interlocked.Increment(ref calls);
                }
            }));
            return calls / watch.Elapsed.TotalSeconds;
        }
    }

    /// <summary>A listener that samples and records every span of the overlay's source, as an exporter's would.</summary>
    private static ActivityListener Record()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PartisanTelemetry.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}

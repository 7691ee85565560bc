using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Tests.Shared;
using static Orleans.Partisan.Benchmarks.Report;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Issue 12's TLS cost: one-way overlay throughput of 64 B and 16 KiB messages over mutual TLS beside the same
/// traffic in plaintext, in one run. Two node pairs stay up together (one plaintext, one with
/// <see cref="PartisanTlsOptions"/>: certificates under a root and an intermediate, made here with
/// <c>CertificateRequest</c>, ECDSA P-256) and take turns (<see cref="Throughput.CompareAsync"/>), so both see the same
/// machine; each figure is the median of its runs, with the process CPU per message. Then the time to set up one
/// connection (<see cref="ConnectionSetupTimer"/>), with and without TLS.
/// </summary>
internal static class TlsExperiment
{
    private const string Plain = "overlay", Secure = "overlay over TLS";

    public static async Task RunAsync(string[] args, TextWriter output)
    {
        var quick = args.Contains("--quick");
        Throughput.Verbose = args.Contains("--verbose");
        var warmupSeconds = quick ? 0.5 : 3.0;
        var secondsPerRun = quick ? 0.4 : 1.0;
        var runs = quick ? 1 : 5;
        output.WriteLine("# Orleans.Partisan TLS experiment");
        output.WriteLine();
        output.WriteLine("Command: `dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- " + string.Join(' ', args) + "`");
        output.WriteLine();
        output.WriteLine($"- machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}, {RuntimeInformation.FrameworkDescription}");
        output.WriteLine($"- load average at start (1/5/15 min): {MachineLoad.LoadAverage()}");
        output.WriteLine();

        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.None));
        var certificates = TestCertificates.Instance;
        PartisanTlsOptions Tls(string name)
        {
            var options = new PartisanTlsOptions { Enabled = true, LocalCertificate = certificates.Node(name) };
            certificates.Trust(options);
            return options;
        }

        await using var plain = await OverlayPair.StartAsync("plain", loggerFactory);
        await using var secure = await OverlayPair.StartAsync("tls", loggerFactory, tls: Tls);
        var plainCounter = new ArrivalCounter();
        var secureCounter = new ArrivalCounter();
        plain.B.RegisterReceiver("sink", _ => plainCounter.Increment());
        secure.B.RegisterReceiver("sink", _ => secureCounter.Increment());
        var sink = PartisanTarget.Named("sink");

        var rows = new List<string>();
        var total = Stopwatch.StartNew();
        foreach (var size in new[] { 64, 16 * 1024 })
        {
            var message = Payload.OfSize(size);
            var warmup = size <= 64 ? 40_000 : 4_000;
            Contender Over(string name, OverlayPair pair, ArrivalCounter counter) => new(name, counter, async n =>
            {
                for (long i = 0; i < n; i++)
                {
                    await pair.A.ForwardMessageAsync(pair.B.Name, sink, message);
                }
            }, warmup);

            var rates = await Throughput.CompareAsync([Over(Plain, plain, plainCounter), Over(Secure, secure, secureCounter)], size, warmupSeconds, secondsPerRun, runs, size <= 64 ? 10_000_000 : 400_000);
            var p = rates[Plain];
            var s = rates[Secure];
            var label = size < 1024 ? $"{size} B" : $"{size / 1024} KiB";
            rows.Add($"| {label} | msg/s | {Count(s.MessagesPerSecond)} | {Count(p.MessagesPerSecond)} | {Ratio(s.MessagesPerSecond / p.MessagesPerSecond)} |");
            rows.Add($"| {label} | payload MB/s | {Fixed(s.PayloadMegabytesPerSecond)} | {Fixed(p.PayloadMegabytesPerSecond)} | {Ratio(s.PayloadMegabytesPerSecond / p.PayloadMegabytesPerSecond)} |");
            rows.Add($"| {label} | process CPU µs per message | {Fixed(s.CpuMicrosecondsPerMessage, 2)} | {Fixed(p.CpuMicrosecondsPerMessage, 2)} | {Ratio(s.CpuMicrosecondsPerMessage / p.CpuMicrosecondsPerMessage)} |");
            rows.Add($"| {label} | spread of the runs | {s.Spread} | {p.Spread} | |");
        }

        // Connection set-up: probes in turns, after a few to warm up.
        var probes = quick ? 20 : 200;
        await using var plainSetup = await ConnectionSetupTimer.StartAsync("plain-setup", loggerFactory, _ => null);
        await using var secureSetup = await ConnectionSetupTimer.StartAsync("tls-setup", loggerFactory, Tls);
        var plainTimes = new List<double>();
        var secureTimes = new List<double>();
        for (var i = 0; i < probes + 10; i++)
        {
            var p = await plainSetup.ProbeAsync();
            var s = await secureSetup.ProbeAsync();
            if (i >= 10)
            {
                plainTimes.Add(p);
                secureTimes.Add(s);
            }
        }

        double Quantile(List<double> times, double q) => times.Order().ElementAt((int)(q * (times.Count - 1)));
        rows.Add($"| connection set-up | ms, median of {probes} | {Fixed(Quantile(secureTimes, 0.5), 2)} | {Fixed(Quantile(plainTimes, 0.5), 2)} | {Ratio(Quantile(secureTimes, 0.5) / Quantile(plainTimes, 0.5))} |");
        rows.Add($"| connection set-up | ms, 90th percentile | {Fixed(Quantile(secureTimes, 0.9), 2)} | {Fixed(Quantile(plainTimes, 0.9), 2)} | {Ratio(Quantile(secureTimes, 0.9) / Quantile(plainTimes, 0.9))} |");

        output.WriteLine();
        output.WriteLine("## TLS beside plaintext");
        output.WriteLine();
        output.WriteLine("| message | measurement | over TLS | plaintext | TLS / plaintext |");
        output.WriteLine("| --- | --- | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            output.WriteLine(row);
        }

        output.WriteLine();
        output.WriteLine($"- {runs} runs of about {secondsPerRun:0.#} s per system and size after {warmupSeconds:0.#} s of warm-up, taken in turns; total {total.Elapsed.TotalSeconds:0} s; load average at end: {MachineLoad.LoadAverage()}");
        output.WriteLine("- CPU per message is the whole process (sender, receiver and both TLS ends), from `Environment.CpuUsage`.");
        output.WriteLine("- Connection set-up is a probe: TCP connect, the TLS handshake (mutual, ECDSA P-256) when on, the acceptor's hello read and checked, close; the two set-ups in turns.");
    }
}

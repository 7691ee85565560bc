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
/// Issue 11's request-reply measurement, between two silos in two processes over loopback TCP (as users run
/// them, not Orleans' in-memory test transport): this process is silo A, a <see cref="SiloProcess"/> is silo B.
/// A 64 B request-reply at concurrency 1 and 100, the overlay's <c>CallAsync</c> to B's <c>echo</c> receiver
/// beside an Orleans grain call to an echo grain pinned to B, taken in turns: calls per second, p50 and p99; then
/// acknowledged forwards beside plain ones.
/// </summary>
internal static class RequestReplyExperiment
{
    /// <summary>How many acknowledged sends are outstanding at once (each waits for its acknowledgement).</summary>
    private const int AckedSenders = 256;

    /// <summary>
    /// How many acknowledged sends the first pipelined sender keeps outstanding: as many as <see cref="AckedSenders"/>, so
    /// those two acknowledged rows have the same number of messages in flight and differ only in who waits.
    /// </summary>
    private const int PipelineWindow = 256;

    /// <summary>
    /// How many the second pipelined sender keeps outstanding: all that the overlay lets be unacknowledged to one node by
    /// default (<see cref="DeliveryOptions.MaxUnackedMessages"/>), the window messaging.md tells a sender after throughput to
    /// fill. The target is judged on this row.
    /// </summary>
    private static readonly int FullWindow = new DeliveryOptions().MaxUnackedMessages;

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static async Task RunAsync(string[] args, TextWriter output)
    {
        var quick = args.Contains("--quick");
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
        var seconds = quick ? 1.0 : 3.0;
        var rounds = quick ? 1 : 3;
        output.WriteLine("# Orleans.Partisan request-reply experiment");
        output.WriteLine();
        output.WriteLine("Command: `dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- " + string.Join(' ', args) + "`");
        output.WriteLine();
        output.WriteLine($"- machine: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}; load average at start {MachineLoad.LoadAverage()}");
        output.WriteLine($"- thread-pool spin limit: {SpinLimit()}; silo B inherits this process's environment, so both processes and every row (the Orleans grain calls too) run with it");
        output.WriteLine();

        var machine = MachineLoad.Start();
        var primaryPort = SiloProcess.FreePort();
        await using var remote = SiloProcess.Start("silo B", new Dictionary<string, string>
        {
            ["Clustering"] = "Development",
            ["PrimaryPort"] = primaryPort.ToString(Culture),
            ["ClusterId"] = "bench-calls",
        }, siloPort: primaryPort);
        await remote.WaitReadyAsync(Timeout);
        var remoteSilo = remote.SiloAddress!;

        using var host = StartLocalSilo(primaryPort);
        await host.StartAsync();
        var partisan = host.Services.GetRequiredService<IPartisan>();
        var node = new NodeName(remoteSilo);
        var connected = Stopwatch.StartNew();
        while (!partisan.IsConnected(node))
        {
            if (connected.Elapsed > Timeout)
            {
                throw new TimeoutException($"The overlay did not connect to {node} within {Timeout}. {remote.Describe()}");
            }

            await Task.Delay(50);
        }

        var request = Payload.OfSize(64).Data; // a byte[]: silo B has no benchmark types
        var echo = PartisanTarget.Named(EchoReceivers.Echo);
        var grain = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IEchoGrain>(remoteSilo);
        Func<ValueTask>[] contenders =
        [
            () => new ValueTask(partisan.CallAsync<byte[]>(node, echo, request)),
            () => new ValueTask(grain.Echo(request)),
        ];
        string[] names = ["overlay CallAsync", "Orleans grain call"];
        output.WriteLine($"Silo A in this process, silo B ({remoteSilo}) in its own; {rounds} rounds of {seconds:0.#} s per");
        output.WriteLine("contender and concurrency, taken in turns after a warm-up; calls/s is the median round, latencies are");
        output.WriteLine("over every call of every round.");
        output.WriteLine();
        output.WriteLine("| request-reply, 64 B | overlay CallAsync | Orleans grain call | ratio |");
        output.WriteLine("| --- | --- | --- | --- |");
        using var meter = new CallCostMeter(remote.ProcessId);
        var costs = new List<(int Concurrency, Load Overlay, CallCost OverlayCost, Load Orleans, CallCost OrleansCost)>();
        foreach (var concurrency in only is null or "calls" ? new[] { 1, 100 } : [])
        {
            foreach (var contender in contenders)
            {
                await Load.RunAsync(contender, concurrency, TimeSpan.FromSeconds(quick ? 0.5 : 2));
            }

            var results = contenders.Select(_ => new List<Load>()).ToArray();
            var spent = new CallCost[contenders.Length];
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < contenders.Length; i++)
                {
                    var before = meter.Read();
                    results[i].Add(await Load.RunAsync(contenders[i], concurrency, TimeSpan.FromSeconds(seconds)));
                    spent[i] += meter.Read() - before;
                }
            }

            var (overlay, orleans) = (Load.Combine(results[0]), Load.Combine(results[1]));
            costs.Add((concurrency, overlay, spent[0], orleans, spent[1]));
            output.WriteLine($"| concurrency {concurrency}, calls/s | {Count(overlay.CallsPerSecond)} | {Count(orleans.CallsPerSecond)} | {Ratio(overlay.CallsPerSecond / orleans.CallsPerSecond)} |");
            output.WriteLine($"| concurrency {concurrency}, p50 µs | {Fixed(overlay.Latency.P50)} | {Fixed(orleans.Latency.P50)} | {Ratio(overlay.Latency.P50 / orleans.Latency.P50)} |");
            output.WriteLine($"| concurrency {concurrency}, p99 µs | {Fixed(overlay.Latency.P99)} | {Fixed(orleans.Latency.P99)} | {Ratio(overlay.Latency.P99 / orleans.Latency.P99)} |");
            if (concurrency == 100)
            {
                output.WriteLine();
                output.WriteLine($"- target calls/s at concurrency 100 ≥ 1.5x Orleans: {Ratio(overlay.CallsPerSecond / orleans.CallsPerSecond)}, {(overlay.CallsPerSecond >= 1.5 * orleans.CallsPerSecond ? "met" : "not met")}");
                output.WriteLine($"- target p99 at concurrency 100 no worse than Orleans: {Ratio(overlay.Latency.P99 / orleans.Latency.P99)}, {(overlay.Latency.P99 <= orleans.Latency.P99 ? "met" : "not met")}");
            }
        }

        if (costs.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("| cost per call, 64 B | " + string.Join(" | ", costs.Select(c => $"overlay c={c.Concurrency} | Orleans c={c.Concurrency}")) + " |");
            output.WriteLine("| --- |" + string.Concat(Enumerable.Repeat(" --- | --- |", costs.Count)));
            output.WriteLine("| CPU µs, both processes | " + string.Join(" | ", costs.Select(c => $"{Fixed(c.OverlayCost.CpuMicroseconds(c.Overlay.Latency.Count))} | {Fixed(c.OrleansCost.CpuMicroseconds(c.Orleans.Latency.Count))}")) + " |");
            output.WriteLine("| CPU µs, silo A / silo B | " + string.Join(" | ", costs.Select(c => $"{Fixed(c.OverlayCost.LocalCpuMicroseconds(c.Overlay.Latency.Count))} / {Fixed(c.OverlayCost.RemoteCpuMicroseconds(c.Overlay.Latency.Count))} | {Fixed(c.OrleansCost.LocalCpuMicroseconds(c.Orleans.Latency.Count))} / {Fixed(c.OrleansCost.RemoteCpuMicroseconds(c.Orleans.Latency.Count))}")) + " |");
            output.WriteLine("| bytes allocated, silo A | " + string.Join(" | ", costs.Select(c => $"{Count(c.OverlayCost.BytesPer(c.Overlay.Latency.Count))} | {Count(c.OrleansCost.BytesPer(c.Orleans.Latency.Count))}")) + " |");
            output.WriteLine("| overlay socket writes, silo A | " + string.Join(" | ", costs.Select(c => $"{Fixed(c.OverlayCost.WritesPer(c.Overlay.Latency.Count), 2)} | n/a")) + " |");
            output.WriteLine();
            output.WriteLine($"({names[0]} to the receiver `{EchoReceivers.Echo}`, which answers with ReplyAsync; {names[1]} to `{nameof(IEchoGrain)}.{nameof(IEchoGrain.Echo)}` pinned to silo B.)");
            output.WriteLine();
        }

        if (only is null or "forwards")
        {
            await CompareForwardsAsync(partisan, node, request, seconds, rounds, meter, output);
        }

        await host.StopAsync();
        await remote.StopAsync(Timeout);
        var (self, others, stolen) = machine?.Stop() ?? (double.NaN, double.NaN, double.NaN);
        output.WriteLine($"- machine during the run: this process {Fixed(self, 0)} %, other processes (silo B among them) {Fixed(others, 0)} %, {MachineLoad.Describe(stolen)}; load average at the end {MachineLoad.LoadAverage()}");
    }

    /// <summary>
    /// Acknowledged vs plain forwards of 64 B to B's <c>sink</c> receiver. A plain forward completes once queued, so
    /// its rate is taken up to the reply of a call sent after the last one on the same connection (B has then taken
    /// them all); an acknowledged forward completes once B delivered it, from <see cref="AckedSenders"/> senders each
    /// awaiting its own, and from one sender keeping <see cref="PipelineWindow"/> or <see cref="FullWindow"/> outstanding.
    /// </summary>
    private static async Task CompareForwardsAsync(IPartisan partisan, NodeName node, byte[] message, double seconds, int rounds, CallCostMeter meter, TextWriter output)
    {
        var sink = PartisanTarget.Named(EchoReceivers.Sink);
        var acked = new ForwardOptions { Ack = true };
        async Task<(double Rate, long Sent)> PlainAsync(TimeSpan duration)
        {
            var watch = Stopwatch.StartNew();
            long sent = 0;
            while (watch.Elapsed < duration)
            {
                for (var i = 0; i < 1_000; i++, sent++)
                {
                    await partisan.ForwardMessageAsync(node, sink, message);
                }
            }

            await partisan.CallAsync<byte[]>(node, PartisanTarget.Named(EchoReceivers.Echo), message, timeout: Timeout);
            return (sent / watch.Elapsed.TotalSeconds, sent);
        }

        Task<Load> AckedAsync(TimeSpan duration) => Load.RunAsync(() => partisan.ForwardMessageAsync(node, sink, message, acked), AckedSenders, duration);

        // One sender that keeps a window of acknowledged sends outstanding and awaits the oldest when it is full,
        // as a user who wants acknowledged throughput writes it; timed until every send of the round is acknowledged.
        async Task<(double Rate, long Sent)> PipelinedAsync(int size, TimeSpan duration)
        {
            var window = new ValueTask[size];
            var watch = Stopwatch.StartNew();
            long sent = 0;
            while (watch.Elapsed < duration)
            {
                for (var i = 0; i < 1_000; i++, sent++)
                {
                    var slot = (int)(sent % size);
                    if (sent >= size)
                    {
                        await window[slot];
                    }

                    window[slot] = partisan.ForwardMessageAsync(node, sink, message, acked);
                }
            }

            for (var i = Math.Max(0, sent - size); i < sent; i++)
            {
                await window[(int)(i % size)];
            }

            return (sent / watch.Elapsed.TotalSeconds, sent);
        }

        var handoff = new AwaitedHandoff();
        Task<Load> HandoffAsync(TimeSpan duration) => Load.RunAsync(handoff.SendAsync, AckedSenders, duration);

        // Warm-ups as long as the throughput section's: tiered JIT needs that long on 2 cores, and with 1 s
        // the first rounds still ran (in silo B) code the JIT had not optimized yet.
        var warmup = TimeSpan.FromSeconds(seconds);
        await PlainAsync(warmup);
        await AckedAsync(warmup);
        await PipelinedAsync(PipelineWindow, warmup);
        await PipelinedAsync(FullWindow, warmup);
        await HandoffAsync(warmup);
        var plain = new List<double>();
        var acknowledged = new List<Load>();
        var handoffs = new List<Load>();
        var pipelined = new List<double>();
        var full = new List<double>();
        CallCost plainCost = default, ackCost = default, handoffCost = default, pipelinedCost = default, fullCost = default;
        long plainSent = 0, pipelinedSent = 0, fullSent = 0;
        for (var round = 0; round < rounds; round++)
        {
            var before = meter.Read();
            var (rate, sent) = await PlainAsync(TimeSpan.FromSeconds(seconds));
            plainCost += meter.Read() - before;
            plain.Add(rate);
            plainSent += sent;
            before = meter.Read();
            acknowledged.Add(await AckedAsync(TimeSpan.FromSeconds(seconds)));
            ackCost += meter.Read() - before;
            before = meter.Read();
            var (roundRate, pipelinedCount) = await PipelinedAsync(PipelineWindow, TimeSpan.FromSeconds(seconds));
            pipelinedCost += meter.Read() - before;
            pipelined.Add(roundRate);
            pipelinedSent += pipelinedCount;
            before = meter.Read();
            var (fullRound, fullCount) = await PipelinedAsync(FullWindow, TimeSpan.FromSeconds(seconds));
            fullCost += meter.Read() - before;
            full.Add(fullRound);
            fullSent += fullCount;
            before = meter.Read();
            handoffs.Add(await HandoffAsync(TimeSpan.FromSeconds(seconds)));
            handoffCost += meter.Read() - before;
        }

        var plainRate = plain.Order().ElementAt(plain.Count / 2);
        var pipelinedRate = pipelined.Order().ElementAt(pipelined.Count / 2);
        var fullRate = full.Order().ElementAt(full.Count / 2);
        var ack = Load.Combine(acknowledged);
        var bare = Load.Combine(handoffs);
        var handed = bare.Latency.Count;
        var acks = ack.Latency.Count;
        output.WriteLine($"| forward, 64 B | acknowledged (`Ack`), {AckedSenders} senders | acknowledged, 1 sender, window {PipelineWindow} | acknowledged, 1 sender, window {FullWindow} | plain | ratios to plain | awaited hand-off only, no I/O (ceiling) | ratio to plain |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        output.WriteLine($"| msg/s (median round) | {Count(ack.CallsPerSecond)} | {Count(pipelinedRate)} | {Count(fullRate)} | {Count(plainRate)} | {Ratio(ack.CallsPerSecond / plainRate)}, {Ratio(pipelinedRate / plainRate)}, {Ratio(fullRate / plainRate)} | {Count(bare.CallsPerSecond)} | {Ratio(bare.CallsPerSecond / plainRate)} |");
        output.WriteLine($"| acknowledged send, p50 / p99 µs | {Fixed(ack.Latency.P50)} / {Fixed(ack.Latency.P99)} | | | | | {Fixed(bare.Latency.P50)} / {Fixed(bare.Latency.P99)} | |");
        output.WriteLine($"| CPU µs per message, silo A / silo B | {Cpu(ackCost, acks)} | {Cpu(pipelinedCost, pipelinedSent)} | {Cpu(fullCost, fullSent)} | {Cpu(plainCost, plainSent)} | {CpuRatio(ackCost, acks)}, {CpuRatio(pipelinedCost, pipelinedSent)}, {CpuRatio(fullCost, fullSent)} | {Cpu(handoffCost, handed)} | {CpuRatio(handoffCost, handed)} |");
        output.WriteLine($"| bytes allocated per message, silo A | {Count(ackCost.BytesPer(acks))} | {Count(pipelinedCost.BytesPer(pipelinedSent))} | {Count(fullCost.BytesPer(fullSent))} | {Count(plainCost.BytesPer(plainSent))} | | {Count(handoffCost.BytesPer(handed))} | |");
        output.WriteLine($"| overlay socket writes per message, silo A | {Fixed(ackCost.WritesPer(acks), 3)} | {Fixed(pipelinedCost.WritesPer(pipelinedSent), 3)} | {Fixed(fullCost.WritesPer(fullSent), 3)} | {Fixed(plainCost.WritesPer(plainSent), 3)} | | | |");
        output.WriteLine($"| voluntary context switches per message, silo A / silo B | {ackCost.SwitchesPer(acks)} | {pipelinedCost.SwitchesPer(pipelinedSent)} | {fullCost.SwitchesPer(fullSent)} | {plainCost.SwitchesPer(plainSent)} | | {handoffCost.SwitchesPer(handed)} | |");
        output.WriteLine($"| thread-pool work items per message, silo A | {Fixed(ackCost.WorkItemsPer(acks), 3)} | {Fixed(pipelinedCost.WorkItemsPer(pipelinedSent), 3)} | {Fixed(fullCost.WorkItemsPer(fullSent), 3)} | {Fixed(plainCost.WorkItemsPer(plainSent), 3)} | | {Fixed(handoffCost.WorkItemsPer(handed), 3)} | |");
        output.WriteLine($"| garbage-collection pause µs per message, silo A | {Fixed(ackCost.GcPauseMicroseconds(acks), 3)} | {Fixed(pipelinedCost.GcPauseMicroseconds(pipelinedSent), 3)} | {Fixed(fullCost.GcPauseMicroseconds(fullSent), 3)} | {Fixed(plainCost.GcPauseMicroseconds(plainSent), 3)} | | {Fixed(handoffCost.GcPauseMicroseconds(handed), 3)} | |");
        output.WriteLine();
        output.WriteLine($"- target acknowledged ≥ 50 % of plain, one sender keeping {FullWindow} sends outstanding (the default `MaxUnackedMessages`): {Ratio(fullRate / plainRate)}, {(fullRate >= 0.5 * plainRate ? "met" : "not met")}");
        output.WriteLine($"- for comparison, one sender keeping {PipelineWindow} outstanding: {Ratio(pipelinedRate / plainRate)}; {AckedSenders} senders each awaiting its send: {Ratio(ack.CallsPerSecond / plainRate)}");
        output.WriteLine($"- (plain: one sender whose sends complete when queued, timed to the reply of a call sent after the last message; a window: timed until its last send is acknowledged; the hand-off: the {AckedSenders} senders and driver, each awaiting a waiter that a flush from the thread pool's global queue completes, in this process alone)");

        string Cpu(CallCost cost, long messages) => $"{Fixed(cost.LocalCpuMicroseconds(messages), 2)} / {Fixed(cost.RemoteCpuMicroseconds(messages), 2)}";
        string CpuRatio(CallCost cost, long messages) => Ratio(cost.CpuMicroseconds(messages) / plainCost.CpuMicroseconds(plainSent));
    }

    /// <summary>
    /// The thread pool's spin limit in effect (<c>DOTNET_ThreadPool_UnfairSemaphoreSpinLimit</c>, or
    /// <c>System.Threading.ThreadPool.UnfairSemaphoreSpinLimit</c> in the runtime configuration), or the runtime's default.
    /// </summary>
    private static string SpinLimit()
    {
        var variable = Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit");
        var configured = AppContext.GetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit");
        return variable is not null ? $"{variable} (DOTNET_ThreadPool_UnfairSemaphoreSpinLimit)"
            : configured is not null ? $"{configured} (runtime configuration)"
            : "the runtime's default";
    }

    private static IHost StartLocalSilo(int primaryPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.None).SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans.Runtime", LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("bench-calls", "bench-calls"));
            silo.ConfigureEndpoints(IPAddress.Loopback, SiloProcess.FreePort(), SiloProcess.FreePort(), listenOnAnyHostAddress: false);
            silo.UseDevelopmentClustering(new IPEndPoint(IPAddress.Loopback, primaryPort));
            silo.AddPartisan(o => o.ListenAddress = IPAddress.Loopback);
        });
        return builder.Build();
    }
}

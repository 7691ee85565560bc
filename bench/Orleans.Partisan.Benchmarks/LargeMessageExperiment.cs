using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Transport;
using static Orleans.Partisan.Benchmarks.Report;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Issue 14 item 1, focused: one-way 16 KiB messages through the overlay beside the raw socket (the ceiling), and
/// nothing else (no Orleans), so that a change to the transport can be judged in a few minutes. The contenders are the
/// throughput section's (<see cref="RawSocketPair"/> as <see cref="RawSocketOptions.AsTheOverlay"/>, <see cref="OverlayPair"/>)
/// and the ceiling as it was measured before (<see cref="RawSocketOptions.Before"/>), measured as that section measures them
/// (the time from the first send to the last arrival, the process's CPU time per message), after 3 s of warm-up each
/// and whole rounds until the JIT has settled, in turns (the order alternating), one run of the same number of messages
/// each per round (about <c>--milliseconds</c> at the contenders' mean rate, 1,000 by default, as the throughput section's runs); each round prints both, their ratios, the bytes allocated
/// per message (and of those, new frame buffers), the collections, the context switches per message and the methods
/// compiled during the run; the end, the medians and quartiles of the ratios. <c>--queue</c> (<c>--small-reads</c>) makes
/// the third contender the ceiling on the overlay's send queue (reading 16 KiB segments). <c>--profile S</c> runs the
/// overlay alone for S seconds instead (to attach <c>perf</c> to), and <c>--raw-profile S</c> the ceiling alone;
/// <c>--encode</c> and <c>--decode</c> time one frame's serializing and decoding on one thread.
/// </summary>
internal static class LargeMessageExperiment
{
    private const long ProfileRunMessages = 40_000;

    private const string RawName = "raw TCP", OverlayName = "overlay";

    public static async Task RunAsync(string[] args, TextWriter output)
    {
        var size = Argument(args, "--size", 16 * 1024);
        var rounds = Argument(args, "--rounds", 15);
        var profile = Argument(args, "--profile", 0);
        var rawProfile = Argument(args, "--raw-profile", 0);
        var seconds = Argument(args, "--milliseconds", 1000) / 1000.0;
        Throughput.Verbose = args.Contains("--verbose");
        output.WriteLine("# Orleans.Partisan large messages: overlay beside the raw socket");
        output.WriteLine();
        output.WriteLine("Command: `dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- " + string.Join(' ', args) + "`");
        output.WriteLine();
        output.WriteLine($"- machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        output.WriteLine($"- load average at start (1/5/15 min): {MachineLoad.LoadAverage()}");
        var machine = MachineLoad.Start();

        if (args.Contains("--encode"))
        {
            Encode(size, output);
            return;
        }

        if (args.Contains("--decode"))
        {
            Decode(size, output);
            return;
        }

        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.None));
        await using var raw = await RawSocketPair.StartAsync(queueCapacity: 1024, RawSocketOptions.AsTheOverlay);
        // The third contender: the ceiling as before (coalesced writes, frames counted), or with `--queue` the ceiling on the
        // overlay's send queue, or with `--small-reads` the ceiling reading 16 KiB segments (as the overlay did until the sixth session).
        var (third, thirdShort, thirdOptions) = args.Contains("--queue") ? ("raw TCP on the overlay's send queue", "raw on its queue", RawSocketOptions.AsTheOverlay with { QueueOfTheOverlay = true })
            : args.Contains("--small-reads") ? ("raw TCP reading 16 KiB segments", "raw small reads", RawSocketOptions.AsTheOverlay with { SmallReads = true })
            : ("raw TCP as before (coalesced, counted)", "raw before", RawSocketOptions.Before);
        await using var rawBefore = await RawSocketPair.StartAsync(queueCapacity: 1024, thirdOptions);
        await using var pair = await OverlayPair.StartAsync("large", loggerFactory);
        var counter = new ArrivalCounter();
        pair.B.RegisterReceiver("sink", _ => counter.Increment());
        var sink = PartisanTarget.Named("sink");
        var bytes = Payload.OfSize(size).Data;
        var message = Payload.OfSize(size);
        Contender Raw(string name, RawSocketPair socket) => new(name, socket.Counter, async n =>
        {
            for (long i = 0; i < n; i++)
            {
                await socket.SendAsync(bytes);
            }
        }, 4_000);
        var contenders = new[]
        {
            Raw(RawName, raw),
            Raw(third, rawBefore),
            new Contender(OverlayName, counter, async n =>
            {
                for (long i = 0; i < n; i++)
                {
                    await pair.A.ForwardMessageAsync(pair.B.Name, sink, message);
                }
            }, 4_000),
        };

        if (profile > 0 || rawProfile > 0)
        {
            await ProfileAsync(profile > 0 ? contenders[2] : contenders[0], profile > 0 ? profile : rawProfile, output);
            return;
        }

        // Warm-up (the JIT needs a few seconds of steady traffic on two cores), then rounds in which each runs once, in turns.
        var rates = new List<double>();
        foreach (var contender in contenders)
        {
            var warming = Stopwatch.StartNew();
            Sample last;
            do
            {
                last = await RunOnceAsync(contender, contender.WarmupMessages);
            }
            while (warming.Elapsed.TotalSeconds < 3.0);

            rates.Add(last.Rate);
        }

        // Every contender runs the same number of messages per run (a run's fixed costs, its start and its drain, weigh
        // the same on each), about `seconds` of the contenders' mean rate.
        var messages = (long)Math.Clamp(Math.Exp(rates.Average(Math.Log)) * seconds, 4_000, 400_000);

        // Tiered compilation goes on in the background for a while after the warm-up (longer on a loaded machine), and its
        // CPU time lands on whichever contender is running: settle first, in whole rounds, until one compiles fewer than
        // 10 methods (at most 20 rounds).
        var settling = 0;
        var settled = false;
        var settlingTime = Stopwatch.StartNew();
        while (!settled && settling < 20)
        {
            var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
            foreach (var contender in contenders)
            {
                await RunOnceAsync(contender, messages);
            }

            settling++;
            settled = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted < 10;
        }

        var rows = new List<string>();
        var ratios = new List<double>[4];
        for (var i = 0; i < ratios.Length; i++)
        {
            ratios[i] = [];
        }

        var both = 0;
        for (var round = 0; round < rounds; round++)
        {
            // The order alternates, so that neither contender always runs right after the other.
            Sample r, b, o;
            if (round % 2 == 0)
            {
                r = await RunOnceAsync(contenders[0], messages);
                b = await RunOnceAsync(contenders[1], messages);
                o = await RunOnceAsync(contenders[2], messages);
            }
            else
            {
                o = await RunOnceAsync(contenders[2], messages);
                b = await RunOnceAsync(contenders[1], messages);
                r = await RunOnceAsync(contenders[0], messages);
            }

            ratios[0].Add(o.Rate / r.Rate);
            ratios[1].Add(o.CpuMicroseconds / r.CpuMicroseconds);
            ratios[2].Add(o.Rate / b.Rate);
            ratios[3].Add(o.CpuMicroseconds / b.CpuMicroseconds);
            both += ratios[0][^1] >= 0.70 && ratios[1][^1] <= 1.30 ? 1 : 0;
            rows.Add($"| {round + 1} | {Count(o.Rate)}, {Fixed(o.CpuMicroseconds, 2)} | {Count(r.Rate)}, {Fixed(r.CpuMicroseconds, 2)} | {Count(b.Rate)}, {Fixed(b.CpuMicroseconds, 2)} | {Ratio(ratios[0][^1])} | {Ratio(ratios[1][^1])} | {Ratio(ratios[2][^1])} | {Ratio(ratios[3][^1])} | {o.Details} | {r.Details} | {b.Details} |");
        }

        output.WriteLine();
        output.WriteLine("Each cell: msg/s, CPU µs per message; then the overlay's ratios to the ceiling (targets: rate ≥ 0.70, CPU ≤ 1.30), and for each contender the bytes allocated per message, of those new frame buffers, the gen0/1/2 collections of the run, the voluntary/involuntary context switches per message and the methods the JIT compiled during the run.");
        output.WriteLine();
        output.WriteLine($"| round | overlay | raw TCP (as the overlay: gather writes, payload delivered) | {third} | rate / raw | CPU / raw | rate / {thirdShort} | CPU / {thirdShort} | overlay alloc | raw alloc | {thirdShort} alloc |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |");
        foreach (var row in rows)
        {
            output.WriteLine(row);
        }

        output.WriteLine($"| median | | | | {Ratio(Quantile(ratios[0], 0.5))} | {Ratio(Quantile(ratios[1], 0.5))} | {Ratio(Quantile(ratios[2], 0.5))} | {Ratio(Quantile(ratios[3], 0.5))} | | | |");
        output.WriteLine($"| quartiles | | | | {Quartiles(ratios[0])} | {Quartiles(ratios[1])} | {Quartiles(ratios[2])} | {Quartiles(ratios[3])} | | | |");
        output.WriteLine();
        var (self, others, stolen) = machine?.Stop() ?? (double.NaN, double.NaN, double.NaN);
        output.WriteLine($"- {size} B payload, {Count(messages)} messages per run for every contender; {settling} settling round(s) in {Fixed(settlingTime.Elapsed.TotalSeconds, 1)} s ({(settled ? "the JIT settled" : "the JIT had not settled")}); rounds meeting both targets: {both} of {rounds}");
        output.WriteLine($"- load average at end: {MachineLoad.LoadAverage()}; this process {Fixed(self, 0)} % of the machine, other processes {Fixed(others, 0)} %, {MachineLoad.Describe(stolen)}");
    }

    /// <summary>
    /// The send side's serializing alone, on this thread: a message of <paramref name="size"/> bytes encoded into a frame
    /// of a connection's pool and the frame returned, 5 rounds of 100,000 after 500,000 to warm up (the JIT keeps
    /// improving this loop for that long); CPU time and bytes allocated per frame, median of the rounds.
    /// </summary>
    private static void Encode(int size, TextWriter output)
    {
        var pool = new FramePool(1024 + 512 + 1, 1026);
        var types = new SentTypeTable(OverlayPair.Codec.TypeConverter);
        var envelope = new ForwardEnvelope(PartisanTarget.Named("sink"), Payload.OfSize(size), isCast: false);
        var cpu = new List<double>();
        var allocated = new List<double>();
        for (var round = 0; round < 10; round++)
        {
            const int Frames = 100_000;
            var before = Environment.CpuUsage.TotalTime;
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Frames; i++)
            {
                var frame = FrameCodec.Encode(OverlayPair.Codec, envelope, int.MaxValue, pool, types);
                frame.Announces?.MarkAnnounced();
                frame.Return();
            }

            if (round >= 5)
            {
                cpu.Add((Environment.CpuUsage.TotalTime - before).TotalNanoseconds / Frames);
                allocated.Add((GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)Frames);
            }
        }

        output.WriteLine($"> encode {size} B: CPU {Fixed(Median(cpu), 0)} ns per frame (rounds {string.Join(", ", cpu.Select(c => Fixed(c, 0)))}), {Fixed(Median(allocated), 1)} B allocated per frame");
    }

    /// <summary>
    /// The receive side's decoding alone, on this thread: one frame of a <paramref name="size"/>-byte message read back by
    /// <see cref="WireCodec.Receive"/> (as a connection's receive loop does) from one segment, and from the two segments a
    /// pipe of 16 KiB segments gives it; CPU time and bytes allocated per frame, median of 5 rounds of 100,000 after 5 to
    /// warm up, the two layouts in turns.
    /// </summary>
    private static void Decode(int size, TextWriter output)
    {
        var codec = OverlayPair.Codec;
        var sent = new SentTypeTable(codec.TypeConverter);
        var received = new ReceivedTypeTable();
        var targets = new ReceivedTargetCache();
        var from = new NodeName("a");
        var envelope = new ForwardEnvelope(PartisanTarget.Named("sink"), Payload.OfSize(size), isCast: false);

        // The first frame names the message's type, the next ones refer to it by number, as on a connection.
        var announcing = FrameCodec.Encode(codec, envelope, int.MaxValue, types: sent);
        codec.Receive(new ReadOnlySequence<byte>(announcing.Buffer, FrameCodec.PrefixSize, announcing.BodyLength), received, targets, from, "default", out _);
        announcing.Announces?.MarkAnnounced();
        announcing.Return();
        var frame = FrameCodec.Encode(codec, envelope, int.MaxValue, types: sent);
        var body = frame.Buffer.AsMemory(FrameCodec.PrefixSize, frame.BodyLength).ToArray();
        frame.Return();
        var split = Math.Min(16 * 1024 - 4 * 1024, body.Length - 1);
        var layouts = new (string Name, ReadOnlySequence<byte> Body)[]
        {
            ("one segment", new ReadOnlySequence<byte>(body)),
            ("two segments", DecodeSegment.Split(body, split)),
            ("two segments, the ceiling's copy into a new array", DecodeSegment.Split(body, split)),
        };
        byte[]? delivered = null;
        var cpu = layouts.Select(_ => new List<double>()).ToArray();
        var allocated = layouts.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < 10; round++)
        {
            for (var layout = 0; layout < layouts.Length; layout++)
            {
                const int Frames = 100_000;
                var input = layouts[layout].Body;
                var before = Environment.CpuUsage.TotalTime;
                var bytes = GC.GetAllocatedBytesForCurrentThread();
                if (layout < 2)
                {
                    for (var i = 0; i < Frames; i++)
                    {
                        _ = codec.Receive(input, received, targets, from, "default", out _);
                    }
                }
                else
                {
                    // What the ceiling's reader does with a frame (RawSocketOptions.DeliverPayloads).
                    for (var i = 0; i < Frames; i++)
                    {
                        var payload = new byte[size];
                        input.Slice(input.Length - size).CopyTo(payload);
                        delivered = payload;
                    }
                }

                if (round >= 5)
                {
                    cpu[layout].Add((Environment.CpuUsage.TotalTime - before).TotalNanoseconds / Frames);
                    allocated[layout].Add((GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)Frames);
                }
            }
        }

        for (var layout = 0; layout < layouts.Length; layout++)
        {
            output.WriteLine($"> decode {delivered?.Length ?? size} B from {layouts[layout].Name}: CPU {Fixed(Median(cpu[layout]), 0)} ns per frame (rounds {string.Join(", ", cpu[layout].Select(c => Fixed(c, 0)))}), {Fixed(Median(allocated[layout]), 1)} B allocated per frame");
        }
    }

    /// <summary>
    /// One contender alone, for a profiler: 5 s of warm-up or more (until the JIT is quiet), then a line "profile window: start" (a script attaches
    /// <c>perf</c> when it sees it), runs of 40,000 messages back to back for <paramref name="seconds"/>, and a line
    /// "profile window: end" followed by the window's messages, CPU time per message and kernel counts per message, so
    /// that what the profiler saw in the window can be divided by the messages.
    /// </summary>
    private static async Task ProfileAsync(Contender contender, int seconds, TextWriter output)
    {
        // 5 s, then on until a second of runs compiles fewer than 10 methods (at most 60 s): tiered compilation's CPU would
        // otherwise be in the window.
        var warming = Stopwatch.StartNew();
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        var second = Stopwatch.StartNew();
        while (warming.Elapsed.TotalSeconds < 60.0)
        {
            await RunOnceAsync(contender, contender.WarmupMessages);
            if (second.Elapsed.TotalSeconds >= 1.0)
            {
                var now = System.Runtime.JitInfo.GetCompiledMethodCount();
                if (warming.Elapsed.TotalSeconds >= 5.0 && now - jitted < 10)
                {
                    break;
                }

                jitted = now;
                second.Restart();
            }
        }

        output.WriteLine($"profile window: start (after {Fixed(warming.Elapsed.TotalSeconds, 1)} s of warm-up)");
        output.Flush();
        var kernel = ProcessCounters.Read();
        var cpu = Environment.CpuUsage.TotalTime;
        var jitTime = System.Runtime.JitInfo.GetCompilationTime();
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var gen0 = GC.CollectionCount(0);
        var window = Stopwatch.StartNew();
        long messages = 0;
        while (window.Elapsed.TotalSeconds < seconds)
        {
            // Runs as long as the rounds' (about 40,000 messages at 80,000 msg/s), so that the window sees what they see.
            await RunOnceAsync(contender, ProfileRunMessages);
            messages += ProfileRunMessages;
        }

        var cpuTime = Environment.CpuUsage.TotalTime - cpu;
        var counts = ProcessCounters.Read().PerMessageSince(kernel, messages);
        output.WriteLine("profile window: end");
        output.WriteLine($"> {contender.Name}: {Count(messages)} messages in {Fixed(window.Elapsed.TotalSeconds, 1)} s, CPU {Fixed(cpuTime.TotalMicroseconds / messages, 2)} µs per message, {Fixed((GC.GetTotalAllocatedBytes(precise: false) - allocated) / (double)messages, 0)} B and {Fixed(messages / (double)Math.Max(1, GC.CollectionCount(0) - gen0), 0)} messages per gen0 collection, {counts}, JIT {Fixed((System.Runtime.JitInfo.GetCompilationTime() - jitTime).TotalMilliseconds, 0)} ms");
        output.Flush();
    }

    /// <summary>One timed run: the rate (first send to last arrival), the process's CPU time and allocations per message, the collections.</summary>
    private static async Task<Sample> RunOnceAsync(Contender contender, long messages)
    {
        var counter = contender.Counter;
        counter.Arm(messages);
        var gc = GcActivity.Start();
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var frames = FramePool.AllocatedBytes;
        var kernel = ProcessCounters.Read();
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        var jitTime = System.Runtime.JitInfo.GetCompilationTime();
        var paused = GC.GetTotalPauseDuration();
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
        var pause = (GC.GetTotalPauseDuration() - paused).TotalMicroseconds / messages;
        var promoted = GC.GetGCMemoryInfo(GCKind.Ephemeral).PromotedBytes;
        var switches = ProcessCounters.Read().PerMessageSince(kernel, messages);
        var jit = $"JIT {System.Runtime.JitInfo.GetCompiledMethodCount() - jitted} methods {Fixed((System.Runtime.JitInfo.GetCompilationTime() - jitTime).TotalMilliseconds, 0)} ms";
        var collections = gc.Stop();
        var details = $"{Fixed((GC.GetTotalAllocatedBytes(precise: false) - allocated) / (double)messages, 0)}, {Fixed((FramePool.AllocatedBytes - frames) / (double)messages, 0)}; {collections.Gen0}/{collections.Gen1}/{collections.Gen2}, paused {Fixed(pause, 2)} µs per message, the last gen0/1 collection kept {Fixed(promoted / 1024.0, 0)} KiB; {switches}; {jit}";
        return new Sample(messages / Stopwatch.GetElapsedTime(start, end).TotalSeconds, cpuTime.TotalMicroseconds / messages, details);
    }

    private sealed record Sample(double Rate, double CpuMicroseconds, string Details);

    private static double Median(List<double> values) => Quantile(values, 0.5);

    /// <summary>The <paramref name="q"/> quantile of <paramref name="values"/>, interpolated between the two nearest.</summary>
    private static double Quantile(List<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }

    private static string Quartiles(List<double> values) => $"{Ratio(Quantile(values, 0.25))}-{Ratio(Quantile(values, 0.75))}";

    private static int Argument(string[] args, string name, int fallback)
    {
        var value = args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
    }
}

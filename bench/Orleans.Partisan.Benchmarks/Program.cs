using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Partisan;
using Orleans.Partisan.Benchmarks;
using Orleans.Partisan.Grains;
using Orleans.TestingHost;
using static Orleans.Partisan.Benchmarks.Report;

// The Orleans.Partisan benchmark (DESIGN §7): every figure beside its baseline, measured the same
// way on the same machine, in one run. Plain Stopwatch timing; see docs/benchmarks.md.
if (args.Contains("processes"))
{
    // Only issue 14's 16 silo processes on one machine under full mesh and HyParView, beside 5 (ProcessScaleExperiment.cs).
    // First, since its --overlay values (fullmesh, hyparview) name other experiments.
    await ProcessScaleExperiment.RunAsync(args, Console.Out);
    return;
}

if (args.Contains("hyparview"))
{
    // Only the HyParView paper's experiments at 10,000 nodes, in the simulator (HyParViewExperiment.cs).
    await HyParViewExperiment.RunAsync(args, Console.Out);
    return;
}

if (args.Contains("plumtree"))
{
    // Only the Plumtree paper's experiments at 10,000 nodes, beside flooding, in the simulator (PlumtreeExperiment.cs).
    await PlumtreeExperiment.RunAsync(args, Console.Out);
    return;
}

if (args.Contains("scale"))
{
    // Only issue 14's simulator at scale: N HyParView nodes join, then R rounds with Plumtree (ScaleExperiment.cs).
    ScaleExperiment.Run(args, Console.Out);
    return;
}

if (args.Contains("clustering"))
{
    // Only issue 5's cluster formation and failure detection times, with silos as processes (ClusteringExperiment.cs).
    await ClusteringExperiment.RunAsync(args, Console.Out);
    return;
}

if (args.Contains("sigstop"))
{
    // Only issue 12's silent failures: SIGSTOP of a silo under full CPU load, a slow silo for minutes, a whole-cluster stop (SilentFailureExperiment.cs).
    await SilentFailureExperiment.RunAsync(args, Console.Out);
    return;
}

if (args.Contains("calls"))
{
    // Only issue 11's request-reply between two silo processes over TCP, beside Orleans grain calls (RequestReplyExperiment.cs).
    await RequestReplyExperiment.RunAsync(args, Console.Out);
    return;
}

if (args.Contains("hol"))
{
    // Only issue 14's head-of-line blocking between two silo processes, overlay beside Orleans grain calls (HolExperiment.cs).
    await HolExperiment.RunAsync(args, Console.Out);
    return;
}

if (args.Contains("parallelism-node"))
{
    // One node of the parallelism experiment, started by it inside a network namespace (ParallelismNode.cs).
    await ParallelismNode.RunAsync(args);
    return;
}

if (args.Contains("parallelism"))
{
    // Only issue 14's parallelism experiment: two nodes in network namespaces with added RTT, parallelism 1, 4, 16 (ParallelismExperiment.cs).
    await ParallelismExperiment.RunAsync(args, Console.Out);
    return;
}

if (args.Contains("clientserver"))
{
    // Only issue 13's client-server relay: client to client through a server, beside client to server (ClientServerExperiment.cs).
    await ClientServerExperiment.RunAsync(args, Console.Out);
    return;
}

if (args.Contains("tracing"))
{
    // Only issue 13's cost of tracing: forwards and calls with and without a recording listener (TracingExperiment.cs).
    await TracingExperiment.RunAsync(args, Console.Out);
    return;
}

if (args.Contains("large"))
{
    // Only issue 14 item 1's 16 KiB messages: the overlay beside the raw socket, more rounds (LargeMessageExperiment.cs).
    await LargeMessageExperiment.RunAsync(args, Console.Out);
    return;
}

if (args.Contains("tls"))
{
    // Only issue 12's one-way throughput over TLS beside plaintext (TlsExperiment.cs).
    await TlsExperiment.RunAsync(args, Console.Out);
    return;
}

var quick = args.Contains("--quick");
Throughput.Verbose = args.Contains("--verbose");
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
bool Runs(string section) => only is null || only.Split(',').Contains(section);
var secondsPerRun = quick ? 0.4 : 1.0;
var warmupSeconds = quick ? 0.5 : 3.0;
var runs = quick ? 1 : 5;
var output = Console.Out;
var total = Stopwatch.StartNew();
var machine = MachineLoad.Start();

output.WriteLine("# Orleans.Partisan benchmark");
output.WriteLine();
output.WriteLine("Command: `dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks" + (args.Length > 0 ? " -- " + string.Join(' ', args) : "") + "`");
output.WriteLine();
output.WriteLine($"- process: `{Environment.CommandLine}`");
output.WriteLine($"- machine: {Environment.ProcessorCount} logical cores, {CpuModel()}, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}");
output.WriteLine($"- load average at start (1/5/15 min): {MachineLoad.LoadAverage()}");
output.WriteLine($"- runtime: {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC ({GCSettings.LatencyMode}), build {BuildConfiguration()}");
output.WriteLine();

using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.None));
var report = new Report();

// ---------------------------------------------------------------------------------------------
// 1. One-way throughput: overlay vs raw loopback TCP (ceiling) vs Orleans one-way grain calls.
// ---------------------------------------------------------------------------------------------
output.WriteLine("> 1. one-way throughput");
int[] sizes = [64, 16 * 1024];
var overlayRates = new Dictionary<int, Rate>();
var rawRates = new Dictionary<int, Rate>();
var orleansRates = new Dictionary<int, Rate>();
var orleansProcessRates = new Dictionary<int, Rate>();
const string RawName = "raw TCP", OverlayName = "overlay", OrleansName = "Orleans one-way", OrleansProcessesName = "Orleans one-way, 2 processes";

await Section("throughput", async () =>
{
    if (!Runs("throughput"))
    {
        return;
    }

    // All three systems stay up together and take turns, so each sees the same machine.
    await using var raw = await RawSocketPair.StartAsync(queueCapacity: 1024, RawSocketOptions.AsTheOverlay);
    await using var pair = await OverlayPair.StartAsync("tp", loggerFactory);
    var overlayCounter = new ArrivalCounter();
    pair.B.RegisterReceiver("sink", _ => overlayCounter.Increment());
    var sink = PartisanTarget.Named("sink");

    InProcessTestCluster? cluster = null;
    ISinkGrain? grain = null;
    OrleansProcessPair? processes = null;
    try
    {
        try
        {
            (cluster, grain) = await StartOrleansAsync();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            output.WriteLine($"> Orleans cluster: FAILED: {exception.GetType().Name}: {exception.Message}");
            report.Note($"Orleans cluster failed to start: {exception.GetType().Name}: {exception.Message}");
        }

        try
        {
            processes = await OrleansProcessPair.StartAsync();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            output.WriteLine($"> Orleans silo processes: FAILED: {exception.GetType().Name}: {exception.Message}");
            report.Note($"Orleans silo processes failed to start: {exception.GetType().Name}: {exception.Message}");
        }

        foreach (var size in sizes)
        {
            var bytes = Payload.OfSize(size).Data;
            var message = Payload.OfSize(size);
            var warmup = size <= 64 ? 40_000 : 4_000;
            List<Contender> contenders =
            [
                new(RawName, raw.Counter, async n =>
                {
                    for (long i = 0; i < n; i++)
                    {
                        await raw.SendAsync(bytes);
                    }
                }, warmup),
                new(OverlayName, overlayCounter, async n =>
                {
                    for (long i = 0; i < n; i++)
                    {
                        await pair.A.ForwardMessageAsync(pair.B.Name, sink, message);
                    }
                }, warmup),
            ];
            if (grain is not null)
            {
                var counter = SinkGrain.Counter;
                contenders.Add(new(OrleansName, counter, async n =>
                {
                    const long window = 10_000;
                    for (long i = 0; i < n; i++)
                    {
                        await grain.Receive(message);
                        if ((i & 255) == 0)
                        {
                            // One-way calls have no backpressure: keep at most `window` in flight so
                            // memory stays bounded, as the overlay's send queue does.
                            while (i - counter.Count > window)
                            {
                                await Task.Delay(1);
                            }
                        }
                    }
                }, warmup / 4));
            }

            if (processes is not null)
            {
                // The same calls to a grain on a silo in another process, over loopback TCP: silo B reports arrivals
                // every 1,024 messages (and the run's last), which bounds what is in flight as above.
                var counter = processes.Counter;
                contenders.Add(new(OrleansProcessesName, counter, async n =>
                {
                    const long window = 10_000;
                    await processes.ArmAsync(n);
                    for (long i = 0; i < n; i++)
                    {
                        await processes.Grain.Receive(bytes);
                        if ((i & 255) == 0)
                        {
                            while (i - counter.Count > window)
                            {
                                await Task.Delay(1);
                            }
                        }
                    }
                }, warmup / 4, () => processes.RemoteCpu));
            }

            var rates = await Throughput.CompareAsync(contenders, size, warmupSeconds, secondsPerRun, runs, size <= 64 ? 10_000_000 : 400_000);
            rawRates[size] = rates[RawName];
            overlayRates[size] = rates[OverlayName];
            orleansRates[size] = rates.GetValueOrDefault(OrleansName, Rate.Missing);
            orleansProcessRates[size] = rates.GetValueOrDefault(OrleansProcessesName, Rate.Missing);
        }
    }
    finally
    {
        if (processes is not null)
        {
            await processes.DisposeAsync();
        }

        if (cluster is not null)
        {
            await cluster.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        }
    }
});

foreach (var size in sizes)
{
    var overlay = overlayRates.GetValueOrDefault(size, Rate.Missing);
    var raw = rawRates.GetValueOrDefault(size, Rate.Missing);
    var orleans = orleansRates.GetValueOrDefault(size, Rate.Missing);
    var orleansProcesses = orleansProcessRates.GetValueOrDefault(size, Rate.Missing);
    var label = size < 1024 ? $"{size} B" : $"{size / 1024} KiB";
    report.Figure($"one-way throughput, {label}, msg/s", Count(overlay.MessagesPerSecond), "raw loopback TCP, same framing and batching (ceiling)", Count(raw.MessagesPerSecond), Ratio(overlay.MessagesPerSecond / raw.MessagesPerSecond));
    report.Figure($"one-way throughput, {label}, msg/s", Count(overlay.MessagesPerSecond), "Orleans one-way grain calls to a silo-pinned grain", Count(orleans.MessagesPerSecond), Ratio(overlay.MessagesPerSecond / orleans.MessagesPerSecond));
    report.Figure($"one-way throughput, {label}, msg/s", Count(overlay.MessagesPerSecond), "Orleans one-way grain calls, two silo processes over loopback TCP", Count(orleansProcesses.MessagesPerSecond), Ratio(overlay.MessagesPerSecond / orleansProcesses.MessagesPerSecond));
    report.Figure($"one-way throughput, {label}, payload MB/s", Fixed(overlay.PayloadMegabytesPerSecond), "raw loopback TCP", Fixed(raw.PayloadMegabytesPerSecond), Ratio(overlay.MessagesPerSecond / raw.MessagesPerSecond));
    report.Figure($"one-way throughput, {label}, payload MB/s", Fixed(overlay.PayloadMegabytesPerSecond), "Orleans one-way grain calls", Fixed(orleans.PayloadMegabytesPerSecond), Ratio(overlay.MessagesPerSecond / orleans.MessagesPerSecond));
    report.Figure($"one-way throughput, {label}, process CPU µs per message", Fixed(overlay.CpuMicrosecondsPerMessage, 2), "Orleans one-way grain calls", Fixed(orleans.CpuMicrosecondsPerMessage, 2), Ratio(overlay.CpuMicrosecondsPerMessage / orleans.CpuMicrosecondsPerMessage));
    report.Figure($"one-way throughput, {label}, process CPU µs per message", Fixed(overlay.CpuMicrosecondsPerMessage, 2), "Orleans one-way grain calls, two silo processes (both processes' CPU)", Fixed(orleansProcesses.CpuMicrosecondsPerMessage, 2), Ratio(overlay.CpuMicrosecondsPerMessage / orleansProcesses.CpuMicrosecondsPerMessage));
    report.Figure($"one-way throughput, {label}, process CPU µs per message", Fixed(overlay.CpuMicrosecondsPerMessage, 2), "raw loopback TCP", Fixed(raw.CpuMicrosecondsPerMessage, 2), Ratio(overlay.CpuMicrosecondsPerMessage / raw.CpuMicrosecondsPerMessage));
    report.Note($"throughput {label}: after {warmupSeconds:0.#} s of warm-up each, median of {overlay.Runs} runs taken in turns; overlay {Count(overlay.MessagesPerRun)} msgs/run ({overlay.Spread}), raw TCP {Count(raw.MessagesPerRun)} msgs/run ({raw.Spread}), Orleans {Count(orleans.MessagesPerRun)} msgs/run ({orleans.Spread}), Orleans in two processes {Count(orleansProcesses.MessagesPerRun)} msgs/run ({orleansProcesses.Spread})");
}

foreach (var size in sizes)
{
    // As on a connection: the first frame of a type names it, later ones refer to it by number.
    var types = new Orleans.Partisan.Transport.SentTypeTable(OverlayPair.Codec.TypeConverter);
    var envelope = new Orleans.Partisan.Transport.ForwardEnvelope(PartisanTarget.Named("sink"), Payload.OfSize(size), isCast: false);
    var first = Orleans.Partisan.Transport.FrameCodec.Encode(OverlayPair.Codec, envelope, int.MaxValue, types: types);
    first.Announces?.MarkAnnounced();
    var later = Orleans.Partisan.Transport.FrameCodec.Encode(OverlayPair.Codec, envelope, int.MaxValue, types: types);
    report.Note($"wire size of one {size} B message: overlay frame {later.Length:N0} B (length prefix, kind, flags, target name, type number, and the message as Orleans serializes a value of its type; {first.Length:N0} B for the first frame of the type on a connection, which names the type), raw TCP frame {size + 4:N0} B");
    first.Return();
    later.Return();
}

var tp64 = overlayRates.GetValueOrDefault(64, Rate.Missing).MessagesPerSecond;
var raw64 = rawRates.GetValueOrDefault(64, Rate.Missing).MessagesPerSecond;
var orl64 = orleansRates.GetValueOrDefault(64, Rate.Missing).MessagesPerSecond;
TargetAtLeast("overlay 64 B throughput vs raw loopback TCP", tp64 / raw64, 0.25, percent: true);
TargetAtLeast("overlay 64 B throughput vs Orleans one-way calls", tp64 / orl64, 3.0, percent: false);
TargetAtLeast("overlay 64 B throughput vs Orleans one-way calls, two silo processes", tp64 / orleansProcessRates.GetValueOrDefault(64, Rate.Missing).MessagesPerSecond, 3.0, percent: false);

// Issue 14, item 1: 16 KiB messages.
var tp16k = overlayRates.GetValueOrDefault(16 * 1024, Rate.Missing);
var raw16k = rawRates.GetValueOrDefault(16 * 1024, Rate.Missing);
TargetAtLeast("overlay 16 KiB throughput vs Orleans one-way calls, two silo processes", tp16k.MessagesPerSecond / orleansProcessRates.GetValueOrDefault(16 * 1024, Rate.Missing).MessagesPerSecond, 1.5, percent: false);
TargetAtLeast("overlay 16 KiB throughput vs Orleans one-way calls (in-process, in-memory transport)", tp16k.MessagesPerSecond / orleansRates.GetValueOrDefault(16 * 1024, Rate.Missing).MessagesPerSecond, 1.5, percent: false);
TargetAtLeast("overlay 16 KiB throughput vs raw loopback TCP", tp16k.MessagesPerSecond / raw16k.MessagesPerSecond, 0.70, percent: true);
TargetAtMost("overlay 16 KiB CPU per message vs raw loopback TCP", tp16k.CpuMicrosecondsPerMessage / raw16k.CpuMicrosecondsPerMessage, 1.3);

// ---------------------------------------------------------------------------------------------
// 2. Head-of-line blocking: small round trips idle, beside an 8 MiB stream on its own channel,
//    and with the stream on the same channel.
// ---------------------------------------------------------------------------------------------
output.WriteLine("> 2. head-of-line blocking");
var idle = LatencySamples.Missing;
var idleBackToBack = LatencySamples.Missing;
var beside = LatencySamples.Missing;
var shared = LatencySamples.Missing;
var paced = LatencySamples.Missing;
const double PacedRate = 250;
double besideBulkMBps = double.NaN, sharedBulkMBps = double.NaN, pacedBulkMBps = double.NaN;
await Section("head-of-line blocking", async () =>
{
    if (!Runs("latency"))
    {
        return;
    }

    await using var pair = await OverlayPair.StartAsync("hol", loggerFactory, extraChannels: ["bulk"], maxFrameSize: 10 * 1024 * 1024, sendQueueCapacity: 4);
    var pingPong = new PingPong(pair);
    var bulk = new BulkStream(pair);
    var samples = quick ? 300 : 3000;
    var budget = TimeSpan.FromSeconds(quick ? 5 : 15);

    await pingPong.SampleAsync(samples / 5, budget); // warm-up

    // Idle and beside the bulk channel take turns, so that both see the same machine: the idle
    // tail on a VM swings between runs with how fast its idle virtual CPUs wake up.
    var rounds = quick ? 1 : 3;
    var idleRounds = new List<LatencySamples>();
    var besideRounds = new List<LatencySamples>();
    double besideMegabytes = 0;
    for (var round = 0; round < rounds; round++)
    {
        idleRounds.Add(await pingPong.SampleAsync(samples / rounds, budget / rounds));
        var (busy, megabytes) = await UnderBulkAsync("bulk", samples / rounds, budget / rounds);
        besideRounds.Add(busy);
        besideMegabytes += megabytes;
        output.WriteLine($">   round {round + 1}: idle p99 {Fixed(idleRounds[^1].P99)} µs, beside the bulk channel p99 {Fixed(busy.P99)} µs ({Ratio(busy.P99 / idleRounds[^1].P99)})");
    }

    idle = LatencySamples.Combine(idleRounds);
    beside = LatencySamples.Combine(besideRounds);
    besideBulkMBps = besideMegabytes / beside.Seconds;
    Print("idle", idle, double.NaN);
    Print("8 MiB stream on channel \"bulk\"", beside, besideBulkMBps);
    idleBackToBack = await pingPong.SampleAsync(samples, budget, paced: false);
    Print("idle, back to back (not paced)", idleBackToBack, double.NaN);

    double pacedMegabytes;
    (paced, pacedMegabytes) = await UnderBulkAsync("bulk", samples, budget, PacedRate);
    pacedBulkMBps = pacedMegabytes / paced.Seconds;
    Print($"8 MiB stream paced to {PacedRate:0} MB/s on channel \"bulk\"", paced, pacedBulkMBps);

    double sharedMegabytes;
    (shared, sharedMegabytes) = await UnderBulkAsync(PartisanChannels.Default, samples, budget);
    sharedBulkMBps = sharedMegabytes / shared.Seconds;
    Print("8 MiB stream on the same channel", shared, sharedBulkMBps);

    // Round trips while the bulk stream runs on `channel`, and the megabytes it delivered meanwhile.
    async Task<(LatencySamples, double)> UnderBulkAsync(string channel, int count, TimeSpan limit, double? rate = null)
    {
        await bulk.StartAsync(channel, rate);
        await pingPong.SampleAsync(Math.Max(20, samples / 50), budget / 4); // settle
        var before = bulk.Received.Count;
        var result = await pingPong.SampleAsync(count, limit);
        var megabytes = (bulk.Received.Count - before) * (double)BulkStream.MessageSize / 1e6;
        await bulk.StopAsync();
        return (result, megabytes);
    }

    void Print(string situation, LatencySamples s, double bulkMBps)
        => output.WriteLine($"> round trip 64 B, {situation}: p50 {Fixed(s.P50)} µs, p99 {Fixed(s.P99)} µs, max {Fixed(s.Max)} µs, {s.Count} samples in {Fixed(s.Seconds, 2)} s, {s.Gc}" + (double.IsNaN(bulkMBps) ? "" : $", bulk {Fixed(bulkMBps)} MB/s"));
});

report.Figure("round trip 64 B, p50 µs, 8 MiB stream on its own channel", Fixed(beside.P50), "same, idle (no bulk traffic)", Fixed(idle.P50), Ratio(beside.P50 / idle.P50));
report.Figure("round trip 64 B, p99 µs, 8 MiB stream on its own channel", Fixed(beside.P99), "same, idle (no bulk traffic)", Fixed(idle.P99), Ratio(beside.P99 / idle.P99));
report.Figure($"round trip 64 B, p50 µs, 8 MiB stream paced to {PacedRate:0} MB/s on its own channel", Fixed(paced.P50), "same, idle (no bulk traffic)", Fixed(idle.P50), Ratio(paced.P50 / idle.P50));
report.Figure($"round trip 64 B, p99 µs, 8 MiB stream paced to {PacedRate:0} MB/s on its own channel", Fixed(paced.P99), "same, idle (no bulk traffic)", Fixed(idle.P99), Ratio(paced.P99 / idle.P99));
report.Figure("round trip 64 B, p50 µs, 8 MiB stream on its own channel", Fixed(beside.P50), "same, 8 MiB stream on the same channel (one connection)", Fixed(shared.P50), Ratio(beside.P50 / shared.P50));
report.Figure("round trip 64 B, p99 µs, 8 MiB stream on its own channel", Fixed(beside.P99), "same, 8 MiB stream on the same channel (one connection)", Fixed(shared.P99), Ratio(beside.P99 / shared.P99));
report.Note($"round trips idle: {idle.Count} samples in {Fixed(idle.Seconds, 2)} s, max {Fixed(idle.Max)} µs, {idle.Gc}; taken in turns with those beside the bulk channel");
report.Note($"round trips idle, back to back without the pause (for reference, not the baseline): {idleBackToBack.Count} samples, p50 {Fixed(idleBackToBack.P50)} µs, p99 {Fixed(idleBackToBack.P99)} µs, max {Fixed(idleBackToBack.Max)} µs; the p99 beside the bulk channel is {Ratio(beside.P99 / idleBackToBack.P99)} this p99");
report.Note($"round trips beside the bulk channel: {beside.Count} samples in {Fixed(beside.Seconds, 2)} s, max {Fixed(beside.Max)} µs, {beside.Gc}; bulk {Fixed(besideBulkMBps)} MB/s meanwhile");
report.Note($"round trips beside the bulk channel paced to {PacedRate:0} MB/s: {paced.Count} samples in {Fixed(paced.Seconds, 2)} s, max {Fixed(paced.Max)} µs, {paced.Gc}; bulk {Fixed(pacedBulkMBps)} MB/s meanwhile");
report.Note($"round trips on the bulk stream's channel: {shared.Count} samples in {Fixed(shared.Seconds, 2)} s, max {Fixed(shared.Max)} µs, {shared.Gc}; bulk {Fixed(sharedBulkMBps)} MB/s meanwhile; p50 {Ratio(shared.P50 / idle.P50)} and p99 {Ratio(shared.P99 / idle.P99)} idle");
TargetAtMost("round-trip p99 beside a busy bulk channel vs idle p99", beside.P99 / idle.P99, 3.0);
TargetAtMost($"the same beside the stream paced to {PacedRate:0} MB/s (not the target itself: there the cores have time to spare)", paced.P99 / idle.P99, 3.0);

// ---------------------------------------------------------------------------------------------
// 3. Allocations per message.
// ---------------------------------------------------------------------------------------------
output.WriteLine("> 3. allocations");
var send64 = (SendAllocations?)null;
var send16k = (SendAllocations?)null;
var send64Deep = (SendAllocations?)null;
var send16kDeep = (SendAllocations?)null;
var receive64 = (ReceiveAllocations?)null;
var send8m = (SendAllocations?)null;
var receive8m = (ReceiveAllocations?)null;
await Section("allocations", async () =>
{
    if (!Runs("allocations"))
    {
        return;
    }

    const long messages = 20_000;

    // Default limits (a queue of 1,024): when the queue is full the sender waits, as an application's
    // would, and the wait's own allocations count. This is the steady state the target is about.
    await using (var pair = await OverlayPair.StartAsync("alloc", loggerFactory))
    {
        var counter = new ArrivalCounter();
        pair.B.RegisterReceiver("sink", _ => counter.Increment());
        send64 = await Allocations.SendPathAsync(pair, counter, Payload.OfSize(64), messages);
        send16k = await Allocations.SendPathAsync(pair, counter, Payload.OfSize(16 * 1024), messages / 4);
        output.WriteLine($"> send path, queue of 1,024: 64 B {Fixed(send64.BytesPerMessage, 2)} B/msg, {Fixed(send64.BytesPerImmediateCall, 2)} B per call that did not wait ({Fixed(send64.BytesPerImmediateCallBesidesBuffers, 2)} B besides {send64.BufferBytes:N0} B of new frame buffers), {Fixed(send64.BytesPerWaitingCall, 0)} B per call that waited ({send64.CompletedAsynchronously} of {send64.Messages}); 16 KiB {Fixed(send16k.BytesPerMessage, 2)} B/msg, {Fixed(send16k.BytesPerImmediateCall, 2)} and {Fixed(send16k.BytesPerWaitingCall, 0)} B ({send16k.CompletedAsynchronously} of {send16k.Messages} waited)");
    }

    // A queue of 65,536: no call waits, so the sender runs ahead of the writer by thousands of frames.
    // Their buffers must exist: whenever more are in flight than ever before, new ones are allocated.
    await using (var pair = await OverlayPair.StartAsync("alloc-deep", loggerFactory, sendQueueCapacity: 65_536))
    {
        var counter = new ArrivalCounter();
        pair.B.RegisterReceiver("sink", _ => counter.Increment());
        send64Deep = await Allocations.SendPathAsync(pair, counter, Payload.OfSize(64), messages);
        send16kDeep = await Allocations.SendPathAsync(pair, counter, Payload.OfSize(16 * 1024), messages / 4);
        output.WriteLine($"> send path, queue of 65,536: 64 B {Fixed(send64Deep.BytesPerMessage, 2)} B/msg ({send64Deep.CompletedAsynchronously} of {send64Deep.Messages} calls waited); 16 KiB {Fixed(send16kDeep.BytesPerMessage, 2)} B/msg ({send16kDeep.CompletedAsynchronously} of {send16kDeep.Messages} waited)");
    }

    await using (var pair = await OverlayPair.StartAsync("alloc-rx", loggerFactory))
    {
        var counter = new ArrivalCounter();
        pair.B.RegisterReceiver("sink", _ => counter.Increment());
        // --by-type: which types the receive path allocates, sampled (the sampler's own events add to the figure).
        using (var sampler = args.Contains("--by-type") ? new AllocationSampler() : null)
        {
            receive64 = await Allocations.ReceivePathAsync(pair, counter, Payload.OfSize(64), quick ? 50_000 : 200_000);
            output.WriteLine($"> receive path: 64 B {Fixed(receive64.BytesPerMessage)} B/msg, of which the message itself {receive64.MessageObjectBytes} B; sender thread {Fixed(receive64.SenderThreadBytesPerMessage)} B/msg");
            foreach (var (type, bytes) in sampler?.Top(10) ?? [])
            {
                output.WriteLine($">   sampled {type}: {Fixed(100.0 * bytes / sampler!.Total, 1)} %");
            }
        }
    }

    // The bulk stream's messages, with the head-of-line section's settings (at most 4 queued).
    await using (var pair = await OverlayPair.StartAsync("alloc-bulk", loggerFactory, maxFrameSize: 10 * 1024 * 1024, sendQueueCapacity: 4))
    {
        var counter = new ArrivalCounter();
        pair.B.RegisterReceiver("sink", _ => counter.Increment());
        var bulkMessage = Payload.OfSize(BulkStream.MessageSize);
        var bulkMessages = quick ? 20 : 60;
        send8m = await Allocations.SendPathAsync(pair, counter, bulkMessage, bulkMessages);
        receive8m = await Allocations.ReceivePathAsync(pair, counter, bulkMessage, bulkMessages);
        output.WriteLine($"> send path: 8 MiB {Fixed(send8m.BytesPerMessage, 2)} B/msg ({send8m.CompletedAsynchronously} of {send8m.Messages} calls waited for room); receive path: 8 MiB {Fixed(receive8m.BytesPerMessage)} B/msg, of which the message itself {receive8m.MessageObjectBytes:N0} B");
    }
});

if (send64 is not null && send16k is not null)
{
    report.Figure("send path, 64 B, queue of 1,024, bytes allocated per call that did not wait", Fixed(send64.BytesPerImmediateCall, 2), "one ForwardEnvelope (x64)", Allocations.ForwardEnvelopeBytes.ToString(Culture), Ratio(send64.BytesPerImmediateCall / Allocations.ForwardEnvelopeBytes));
    report.Figure("send path, 64 B, queue of 1,024, bytes per call that did not wait, besides new frame buffers", Fixed(send64.BytesPerImmediateCallBesidesBuffers, 2), "one ForwardEnvelope (x64)", Allocations.ForwardEnvelopeBytes.ToString(Culture), Ratio(send64.BytesPerImmediateCallBesidesBuffers / Allocations.ForwardEnvelopeBytes));
    report.Figure("send path, 64 B, queue of 1,024, allocations per call that did not wait, besides new frame buffers (bytes / 40)", Fixed(send64.BytesPerImmediateCallBesidesBuffers / Allocations.ForwardEnvelopeBytes, 2), "one allocation", "1", Ratio(send64.BytesPerImmediateCallBesidesBuffers / Allocations.ForwardEnvelopeBytes));
    report.Figure("send path, 64 B, queue of 1,024, allocations of one call that did not wait, besides new frame buffers, 99th percentile (bytes / 40)", Fixed((double)send64.ImmediateCallP99BesidesBuffers / Allocations.ForwardEnvelopeBytes, 2), "one allocation", "1", Ratio((double)send64.ImmediateCallP99BesidesBuffers / Allocations.ForwardEnvelopeBytes));
    report.Figure("send path, 64 B, queue of 1,024, bytes allocated per message, waits included", Fixed(send64.BytesPerMessage, 2), "one ForwardEnvelope (x64)", Allocations.ForwardEnvelopeBytes.ToString(Culture), Ratio(send64.BytesPerMessage / Allocations.ForwardEnvelopeBytes));
    report.Figure("send path, 16 KiB, queue of 1,024, bytes allocated per message, waits included", Fixed(send16k.BytesPerMessage, 2), "one ForwardEnvelope (x64)", Allocations.ForwardEnvelopeBytes.ToString(Culture), Ratio(send16k.BytesPerMessage / Allocations.ForwardEnvelopeBytes));
    report.Note($"send path: {send64.Messages:N0} (64 B) and {send16k.Messages:N0} (16 KiB) ForwardMessageAsync calls on one thread with the default queue of 1,024, after as many on the same thread, message allocated once; calls that waited for room: {send64.CompletedAsynchronously} and {send16k.CompletedAsynchronously}, {Fixed(send64.BytesPerWaitingCall, 0)} and {Fixed(send16k.BytesPerWaitingCall, 0)} B each (the waiter, the runtime's await and the benchmark's blocking wait); new frame buffers, allocated because more frames were in flight on the connection than ever before (at most 1,537 per connection and size class, in its life): {send64.BufferBytes:N0} and {send16k.BufferBytes:N0} B; 64 B calls that did not wait and allocated more than one ForwardEnvelope besides new frame buffers: {send64.ImmediateCallsAboveOneObject:N0} of {send64.Messages - send64.CompletedAsynchronously:N0}");
}

if (send64Deep is not null && send16kDeep is not null)
{
    report.Figure("send path, 64 B, queue of 65,536 (never waits), bytes allocated per message", Fixed(send64Deep.BytesPerMessage, 2), "one ForwardEnvelope (x64)", Allocations.ForwardEnvelopeBytes.ToString(Culture), Ratio(send64Deep.BytesPerMessage / Allocations.ForwardEnvelopeBytes));
    report.Figure("send path, 16 KiB, queue of 65,536 (never waits), bytes allocated per message", Fixed(send16kDeep.BytesPerMessage, 2), "one ForwardEnvelope (x64)", Allocations.ForwardEnvelopeBytes.ToString(Culture), Ratio(send16kDeep.BytesPerMessage / Allocations.ForwardEnvelopeBytes));
    report.Note($"send path with a queue of 65,536: the same calls, none waits ({send64Deep.CompletedAsynchronously} and {send16kDeep.CompletedAsynchronously} did), so up to all of them are in flight at once; frame buffers beyond the most ever in flight before are new allocations");
}

if (send8m is not null && receive8m is not null)
{
    report.Figure("send path, 8 MiB, bytes allocated per message (sending thread)", Fixed(send8m.BytesPerMessage, 2), "one ForwardEnvelope (x64)", Allocations.ForwardEnvelopeBytes.ToString(Culture), Ratio(send8m.BytesPerMessage / Allocations.ForwardEnvelopeBytes));
    report.Figure("receive path (and writer loop), 8 MiB, bytes allocated per message", Fixed(receive8m.BytesPerMessage), "the message itself (Payload + its byte[8 MiB])", receive8m.MessageObjectBytes.ToString("N0", Culture), Ratio(receive8m.BytesPerMessage / receive8m.MessageObjectBytes));
    report.Note($"8 MiB messages: {send8m.Messages} sends on one thread with MaxFrameSize 10 MiB and SendQueueCapacity 4 (as in the head-of-line section), {send8m.CompletedAsynchronously} of which waited for room (a wait allocates its waiter); then {receive8m.Messages} more, process-wide allocations minus the sending thread's ({Fixed(receive8m.SenderThreadBytesPerMessage)} B/msg)");
}

if (receive64 is not null)
{
    report.Figure("receive path (and writer loop), 64 B, bytes allocated per message", Fixed(receive64.BytesPerMessage), "the message itself (Payload + its byte[64])", receive64.MessageObjectBytes.ToString(Culture), Ratio(receive64.BytesPerMessage / receive64.MessageObjectBytes));
    report.Note($"receive path: process-wide allocations during {receive64.Messages:N0} messages of 64 B minus the sending thread's ({Fixed(receive64.SenderThreadBytesPerMessage)} B/msg), per message; beyond the message itself: {Fixed(receive64.BytesPerMessage - receive64.MessageObjectBytes)} B/msg");
}

// Issue 14, item 1: the receive path of a 64 B message allocates the message and at most one object more: the
// ReceivedMessage its receiver gets. Costs per read or per connection spread over the messages are allowed below one
// byte per message (as in ReceivePathAllocationTests): no object is that small, so nothing else is allocated per message.
TargetAtMost("receive-path bytes per 64 B message beyond the message itself (one object: the ReceivedMessage, plus under 1 B of per-read costs spread over the messages)", receive64 is null ? double.NaN : receive64.BytesPerMessage - receive64.MessageObjectBytes, Allocations.ReceivedMessageBytes() + 1, decimals: 2, unit: " B");
var sendAllocs = send64 is null ? double.NaN : (double)send64.ImmediateCallP99BesidesBuffers / Allocations.ForwardEnvelopeBytes;
TargetAtMost("send-path allocations per 64 B message (message excluded; 99th percentile of the calls that did not wait for room, besides new frame buffers)", sendAllocs, 1.0, decimals: 2, unit: " allocations");

var (selfCpu, othersCpu, stolenCpu) = machine?.Stop() ?? (double.NaN, double.NaN, double.NaN);
report.Note($"whole run {Fixed(total.Elapsed.TotalSeconds)} s; CPU of the whole machine used by this benchmark {Fixed(selfCpu, 0)} %, by other processes {Fixed(othersCpu, 0)} % (a quiet run has the latter near 0), {MachineLoad.Describe(stolenCpu)}; load average at the end (1/5/15 min): {MachineLoad.LoadAverage()}");
report.Print(output);
return;

async Task Section(string name, Func<Task> body)
{
    try
    {
        await body();
    }
    catch (Exception exception)
    {
        output.WriteLine($"> {name}: FAILED: {exception.GetType().Name}: {exception.Message}");
        report.Note($"{name} failed: {exception.GetType().Name}: {exception.Message}");
    }
}

void TargetAtLeast(string target, double ratio, double required, bool percent)
{
    string Show(double v) => percent ? Fixed(v * 100, 2) + " %" : Ratio(v);
    if (double.IsNaN(ratio))
    {
        report.Target(target, "n/a", "≥ " + Show(required), null, "");
        return;
    }

    var met = ratio >= required;
    var by = percent
        ? $"{Fixed(Math.Abs(ratio - required) * 100, 2)} percentage points"
        : $"{Fixed(Math.Abs(ratio - required), 2)} ({Fixed(ratio / required * 100, 0)} % of the required ratio)";
    report.Target(target, Show(ratio), "≥ " + Show(required), met, met ? $"above by {by}" : $"short by {by}");
}

void TargetAtMost(string target, double value, double limit, int decimals = 2, string unit = "x")
{
    string Show(double v) => Fixed(v, decimals) + unit;
    if (double.IsNaN(value))
    {
        report.Target(target, "n/a", "≤ " + Show(limit), null, "");
        return;
    }

    var met = value <= limit;
    report.Target(target, Show(value), "≤ " + Show(limit), met, met ? $"within by {Fixed(limit - value, decimals)}" : $"over by {Fixed(value - limit, decimals)} ({Ratio(value / limit)} the limit)");
}

async Task<(InProcessTestCluster, ISinkGrain)> StartOrleansAsync()
{
    // Two silos; the sink grain is pinned to the second and called from the first silo's grain factory.
    var builder = new InProcessTestClusterBuilder(2);
    builder.Options.ConfigureFileLogging = false;
    builder.ConfigureHost(h => h.Logging.SetMinimumLevel(LogLevel.Warning).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.None));
    builder.ConfigureSilo((_, silo) => silo.Services.AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>());
    var cluster = builder.Build();
    try
    {
        await cluster.DeployAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var first = cluster.Silos[0];
        var second = cluster.Silos[1];
        var factory = cluster.GetSiloServiceProvider(first.SiloAddress).GetRequiredService<IGrainFactory>();
        var grain = factory.GetGrain<ISinkGrain>(second.SiloAddress.ToParsableString());
        var where = await grain.Where().WaitAsync(TimeSpan.FromSeconds(30));
        if (where != second.SiloAddress.ToParsableString())
        {
            throw new InvalidOperationException($"The sink grain runs on {where}, not on the second silo.");
        }

        return (cluster, grain);
    }
    catch
    {
        await cluster.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        throw;
    }
}

static string CpuModel()
{
    try
    {
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "unknown CPU" : line[(line.IndexOf(':') + 1)..].Trim();
    }
    catch (IOException)
    {
        return "unknown CPU";
    }
}

static string BuildConfiguration()
{
#if DEBUG
    return "Debug (numbers not meaningful)";
#else
    return "Release";
#endif
}

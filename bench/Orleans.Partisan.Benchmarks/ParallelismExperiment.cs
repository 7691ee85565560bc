using System.Globalization;
using Orleans.Partisan.ProcessHost;
using static Orleans.Partisan.Benchmarks.Report;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Issue 14 item 4, Partisan's parallelism experiment: two overlay nodes in two network namespaces joined by a link that
/// adds 1 ms or 20 ms of round-trip time (<see cref="DelayedLink"/>), 16 to 128 concurrent senders each sending 512 KiB
/// messages with its own partition key and waiting for the acknowledgement, over a channel of parallelism 1, 4 or 16
/// (<see cref="ParallelismNode"/>). Throughput and latency per cell, and the ratio of parallelism 4 and 16 to 1 beside
/// Partisan's published 1.9x (128 actors, 512 KB, 1 ms RTT).
/// </summary>
internal static class ParallelismExperiment
{
    /// <summary>Partisan's published gain of parallelism (USENIX ATC 2019, 128 actors, 512 KB, 1 ms RTT).</summary>
    public const double PartisanGain = 1.9;

    /// <summary>The namespaces' and devices' prefix: fixed, so that a run removes what a crashed one left.</summary>
    private const string Prefix = "ptpar";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    public static async Task RunAsync(string[] args, TextWriter output)
    {
        var quick = args.Contains("--quick");
        var seconds = quick ? 2.0 : 5.0;
        var warmup = quick ? 1.0 : 2.0;
        var senders = quick ? "16,128" : "16,32,64,128";
        var rtts = (args.SkipWhile(a => a != "--rtt").Skip(1).FirstOrDefault() ?? "0,1,20").Split(',').Select(r => double.Parse(r, CultureInfo.InvariantCulture)).ToArray();
        var channels = ParallelismNode.Channels;
        string[] buffer = args.SkipWhile(a => a != "--tcp-buffer").Skip(1).FirstOrDefault() is { } bytes ? ["--tcp-buffer", bytes] : [];
        output.WriteLine("# Orleans.Partisan parallelism experiment (issue 14 item 4)");
        output.WriteLine();
        output.WriteLine("Command: `dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- " + string.Join(' ', args) + "`");
        output.WriteLine();
        output.WriteLine($"- machine: {Environment.ProcessorCount} logical cores; load average at start {MachineLoad.LoadAverage()}");
        output.WriteLine($"- link: network namespaces {Prefix}-a and {Prefix}-b, TUN devices of MTU {DelayedLink.Mtu} and a queue of {DelayedLink.PacketLimit} packets, a delay line in this process holding each packet for half the added RTT in each direction (at most {DelayedLink.PacketLimit} packets per direction)");
        output.WriteLine($"- each cell: {warmup:0.#} s warm-up, then {seconds:0.#} s measured; senders call with 512 KiB and wait for a 1 B reply; partition key = sender index (lane = key mod parallelism)");

        var assembly = typeof(ParallelismExperiment).Assembly.Location;
        using var link = DelayedLink.Start(Prefix, "10.211.0", TimeSpan.Zero);
        var results = new Dictionary<(double Rtt, string Channel, int Senders), Load>();
        foreach (var rtt in rtts)
        {
            link.OneWayDelay = TimeSpan.FromMilliseconds(rtt / 2);
            var droppedBefore = link.Dropped;
            var deviceDropsBefore = link.DeviceDrops();
            var retransmittedBefore = DelayedLink.RetransmittedSegments(link.NamespaceA) + DelayedLink.RetransmittedSegments(link.NamespaceB);
            await using var receiver = ChildProcess.Start("receiver", assembly, ["parallelism-node", "--role", "receiver", "--address", link.AddressB, "--port", "7000", .. buffer], networkNamespace: link.NamespaceB);
            await receiver.WaitForLineAsync(l => l == "READY", StartTimeout, "READY");
            await using var sender = ChildProcess.Start("sender", assembly,
            [
                "parallelism-node", "--role", "sender", "--address", link.AddressA, "--peer", $"{link.AddressB}:7000",
                "--channels", string.Join(',', channels.Keys), "--senders", senders,
                "--seconds", seconds.ToString(CultureInfo.InvariantCulture), "--warmup", warmup.ToString(CultureInfo.InvariantCulture), .. buffer,
            ], networkNamespace: link.NamespaceA);
            await sender.WaitForLineAsync(l => l == "READY", StartTimeout, "READY");
            var idle = sender.Lines.First(l => l.StartsWith("RTT ", StringComparison.Ordinal)).Split(' ');
            output.WriteLine($"> added RTT {rtt:0.#} ms: a 1 B call's round trip on the idle link, p50 {idle[1]} µs, min {idle[2]} µs; {sender.Lines.First(l => l.StartsWith("BUFFERS", StringComparison.Ordinal))[8..]}");
            var cells = channels.Count * senders.Split(',').Length;
            var done = TimeSpan.FromSeconds(cells * (seconds + warmup) * 4) + StartTimeout;
            foreach (var count in senders.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)))
            {
                foreach (var channel in channels.Keys)
                {
                    var line = await sender.WaitForLineAsync(l => l.StartsWith($"RESULT {channel} {count} ", StringComparison.Ordinal), done, $"the result of {channel} with {count} senders");
                    var parts = line.Split(' ');
                    double Part(int i) => double.Parse(parts[i], CultureInfo.InvariantCulture);
                    var load = new Load(Part(3), new LatencySamples([Part(4), Part(5)], Part(7), GcActivity.None));
                    results[(rtt, channel, count)] = load;
                    output.WriteLine($">   {channel}, {count} senders: {Fixed(load.CallsPerSecond)} msg/s, {Fixed(MegabytesPerSecond(load))} MB/s, p50 {Fixed(Part(4) / 1000, 2)} ms, p99 {Fixed(Part(5) / 1000, 2)} ms ({parts[6]} calls)");
                }
            }

            await sender.WaitForLineAsync(l => l == "DONE", done, "DONE");
            var retransmitted = DelayedLink.RetransmittedSegments(link.NamespaceA) + DelayedLink.RetransmittedSegments(link.NamespaceB) - retransmittedBefore;
            output.WriteLine($"> the delay line dropped {link.Dropped - droppedBefore} packets (more than {DelayedLink.PacketLimit} held in one direction), the TUN devices' queues {link.DeviceDrops() - deviceDropsBefore} (not read in time); TCP retransmitted {retransmitted} segments; {link.Forwarded} packets carried so far");
        }

        output.WriteLine();
        foreach (var rtt in rtts)
        {
            output.WriteLine($"Added RTT {rtt:0.#} ms, 512 KiB messages:");
            output.WriteLine();
            output.WriteLine("| senders | " + string.Join(" | ", channels.Select(c => $"parallelism {c.Value}: msg/s, MB/s, p50 / p99 ms")) + " | p4 / p1 | p16 / p1 |");
            output.WriteLine("| --- |" + string.Concat(Enumerable.Repeat(" --- |", channels.Count + 2)));
            foreach (var count in senders.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)))
            {
                var cells = channels.Keys.Select(c => results[(rtt, c, count)]).ToArray();
                output.WriteLine($"| {count} | " + string.Join(" | ", cells.Select(l => $"{Fixed(l.CallsPerSecond)}, {Fixed(MegabytesPerSecond(l))}, {Fixed(l.Latency.Microseconds[0] / 1000, 1)} / {Fixed(l.Latency.Microseconds[1] / 1000, 1)}"))
                    + $" | {Ratio(cells[1].CallsPerSecond / cells[0].CallsPerSecond)} | {Ratio(cells[2].CallsPerSecond / cells[0].CallsPerSecond)} |");
            }

            output.WriteLine();
        }

        foreach (var rtt in rtts)
        {
            var most = senders.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Max();
            var p1 = results[(rtt, "p1", most)].CallsPerSecond;
            var p4 = results[(rtt, "p4", most)].CallsPerSecond / p1;
            var p16 = results[(rtt, "p16", most)].CallsPerSecond / p1;
            output.WriteLine($"- added RTT {rtt:0.#} ms, {most} senders: parallelism 4 / 1 = {Ratio(p4)}, 16 / 1 = {Ratio(p16)} (Partisan published {Ratio(PartisanGain)} at 128 actors, 512 KB, 1 ms); {(rtt == 0 ? "no target without added delay" : $"target ≥ 2x (the better of the two): {(Math.Max(p4, p16) >= 2 ? "met" : "not met")}")}");
        }

        output.WriteLine($"- load average at the end {MachineLoad.LoadAverage()}");
    }

    private static double MegabytesPerSecond(Load load) => load.CallsPerSecond * ParallelismNode.MessageSize / 1e6;
}

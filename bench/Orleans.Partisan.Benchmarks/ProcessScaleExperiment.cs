using System.Diagnostics;
using static Orleans.Partisan.Benchmarks.Report;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Issue 14's cluster of silo processes on one machine (16 by default), under the full mesh and HyParView: formation,
/// Plumtree broadcast convergence, and detection of a SIGKILLed and a SIGSTOPped silo, beside a smaller cluster (5 by
/// default) measured the same way in the same run as the baseline. Rounds alternate between the set-ups, so that the
/// load of a shared machine falls on all of them.
/// </summary>
internal static class ProcessScaleExperiment
{
    private sealed record Setup(PartisanPeerService Overlay, int Silos);

    public static async Task RunAsync(string[] args, TextWriter output)
    {
        var quick = args.Contains("--quick");
        var rounds = Option(args, "--rounds", quick ? 1 : 3);
        var silos = Option(args, "--silos", 16);
        var baseline = Option(args, "--baseline", 5);
        var broadcasts = Option(args, "--broadcasts", 5);
        var siloLogLevel = Value(args, "--silo-log-level");
        var logs = Value(args, "--logs");
        var overlays = (Value(args, "--overlay") ?? "both") switch
        {
            "both" => new[] { PartisanPeerService.FullMesh, PartisanPeerService.HyParView },
            var one => [Enum.Parse<PartisanPeerService>(one, ignoreCase: true)],
        };
        Setup[] setups = [.. overlays.SelectMany(o => (baseline > 0 ? new[] { baseline, silos } : [silos]).Select(n => new Setup(o, n)))];

        output.WriteLine("# Orleans.Partisan: silo processes at scale on one machine");
        output.WriteLine();
        output.WriteLine("Command: `dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- " + string.Join(' ', args) + "`");
        output.WriteLine();
        output.WriteLine($"- machine: {Environment.ProcessorCount} logical cores, {MemoryGiB():0} GiB; load average at start (1/5/15 min) {MachineLoad.LoadAverage()}; started {DateTime.Now:yyyy-MM-dd HH:mm}");
        output.WriteLine($"- set-ups: {string.Join(", ", setups.Select(Name))}; {rounds} round(s) each, alternating; {broadcasts} broadcasts per round");
        output.WriteLine();
        var machine = MachineLoad.Start();
        var total = Stopwatch.StartNew();
        var results = setups.ToDictionary(s => s, _ => new List<ProcessScaleResult>());
        var failures = new List<string>();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var setup in setups)
            {
                output.WriteLine($"> round {round}, {Name(setup)}: load average {MachineLoad.LoadAverage()}");
                try
                {
                    results[setup].Add(await ProcessScaleRound.RunAsync(setup.Silos, setup.Overlay, broadcasts, output, siloLogLevel, logs));
                }
                catch (Exception exception) when (exception is TimeoutException or InvalidOperationException)
                {
                    // A round that fails is reported with its reason, and the run goes on (its processes are killed).
                    // The reason names the silos that exited, with their exit codes and last log lines, and where every silo's log was kept.
                    var reason = exception.Message.Length > 3000 ? exception.Message[..3000] + "…" : exception.Message;
                    failures.Add($"round {round}, {Name(setup)}: {exception.GetType().Name}: {reason}");
                    output.WriteLine($"> failed: {failures[^1]}");
                }
            }
        }

        Print(results, output);
        output.WriteLine();
        output.WriteLine($"Failed rounds: {(failures.Count == 0 ? "none" : string.Join("; ", failures))}.");
        var (self, others, stolen) = machine?.Stop() ?? (double.NaN, double.NaN, double.NaN);
        output.WriteLine();
        output.WriteLine(FormattableString.Invariant($"Run took {total.Elapsed.TotalMinutes:0.0} min; CPU of the whole machine: this process {self:0}%, all other processes (silos, other users) {others:0}%, {MachineLoad.Describe(stolen)}; load average at the end {MachineLoad.LoadAverage()}."));
    }

    private static void Print(Dictionary<Setup, List<ProcessScaleResult>> results, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("## Formation");
        output.WriteLine();
        output.WriteLine("Seconds. Seeds ready: from launching the three seeds until each printed READY. The other silos are then launched");
        output.WriteLine("at once, and the rest is from that moment. Ready: each printed READY. Active: every silo reports every silo Active.");
        output.WriteLine("Overlay: full mesh, every silo connected to every other; HyParView, every active view has at least MinActiveViewSize");
        output.WriteLine("(3) silos, is symmetric and connected, and the active views join all silos (polled every 0.5 s).");
        output.WriteLine();
        output.WriteLine("| set-up | round | seeds ready | others ready | Active everywhere | overlay converged | active view sizes | passive view sizes | overlay TCP connections | connected pairs | resident MiB per silo, median (max; total) |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | --- |");
        foreach (var (setup, list) in results)
        {
            foreach (var (r, i) in list.Select((r, i) => (r, i + 1)))
            {
                output.WriteLine(Invariant($"| {Name(setup)} | {i} | {r.SeedsReady:0.0} | {r.Ready:0.0} | {r.Formed:0.0} | {r.Converged:0.0} | {Range(r.Overlay.ActiveSizes)} | {Range(r.Overlay.PassiveSizes)} | {r.Overlay.Connections} | {r.Overlay.ConnectedPairs} | {Median(r.ResidentMiB):0} ({r.ResidentMiB[^1]:0}; {r.ResidentMiB.Sum():0}) |"));
            }
        }

        output.WriteLine();
        output.WriteLine("## Broadcast convergence");
        output.WriteLine();
        output.WriteLine("Broadcasts from silo 0 (a seed), one after the other, each counted until 3 s after its last delivery. Last (median)");
        output.WriteLine("delivery: ms from the root's BROADCASTING to the last (median) other silo's DELIVERED, on the machine's monotonic");
        output.WriteLine("clock. RMR = m / (n - 1) - 1, m the GOSSIP messages (payloads) all silos sent. The first broadcast builds the");
        output.WriteLine("root's tree (every neighbour eager); the others use it. After failures: one broadcast once both victims were Dead.");
        output.WriteLine();
        output.WriteLine("| set-up | round | first: last (median) delivery ms, RMR | later ones: last delivery ms, each | later ones: RMR, each | IHAVE / GRAFT / PRUNE, first; later (sum) | after failures: last delivery ms, RMR |");
        output.WriteLine("| --- | ---: | --- | --- | --- | --- | --- |");
        foreach (var (setup, list) in results)
        {
            foreach (var (r, i) in list.Select((r, i) => (r, i + 1)))
            {
                var first = r.Broadcasts[0];
                var later = r.Broadcasts.Skip(1).ToList();
                output.WriteLine(Invariant($"| {Name(setup)} | {i} | {Ms(first.LastDelivery)} ({Ms(first.MedianDelivery)}), {first.Rmr:0.00} | {string.Join(", ", later.Select(b => Ms(b.LastDelivery)))} | {string.Join(", ", later.Select(b => b.Rmr.ToString("0.00", Culture)))} | {first.IHaves} / {first.Grafts} / {first.Prunes}; {later.Sum(b => b.IHaves)} / {later.Sum(b => b.Grafts)} / {later.Sum(b => b.Prunes)} | {Ms(r.AfterFailures.LastDelivery)}, {r.AfterFailures.Rmr:0.00} |"));
            }
        }

        output.WriteLine();
        output.WriteLine("## Failure detection");
        output.WriteLine();
        output.WriteLine("Seconds from the signal until every survivor reports the victim Dead. SIGKILL of the last silo first, then SIGSTOP");
        output.WriteLine("of the one before it (neither a seed). Nodedowns: survivors whose overlay reported the victim down; first: seconds");
        output.WriteLine("from the signal until the first of them did. Exit: seconds from SIGCONT until the stopped silo, finding itself dead,");
        output.WriteLine("exited by itself.");
        output.WriteLine();
        output.WriteLine("| set-up | round | Dead after SIGKILL | nodedowns (first) | Dead after SIGSTOP | nodedowns (first) | exit after SIGCONT |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (setup, list) in results)
        {
            foreach (var (r, i) in list.Select((r, i) => (r, i + 1)))
            {
                output.WriteLine(Invariant($"| {Name(setup)} | {i} | {r.KillDead:0.0} | {r.KillNodeDowns} of {setup.Silos - 1} ({r.KillFirstNodeDown:0.0}) | {r.StopDead:0.0} | {r.StopNodeDowns} of {setup.Silos - 2} ({r.StopFirstNodeDown:0.0}) | {(double.IsInfinity(r.StopExit) ? "killed" : r.StopExit.ToString("0.0", Culture))} |"));
            }
        }

        PrintRatios(results, output);
    }

    /// <summary>Each figure's median over the rounds, large cluster beside small, and HyParView beside full mesh.</summary>
    private static void PrintRatios(Dictionary<Setup, List<ProcessScaleResult>> results, TextWriter output)
    {
        (string Name, Func<ProcessScaleResult, double> Value, int Decimals)[] figures =
        [
            ("Active everywhere (s)", r => r.Formed, 1),
            ("overlay converged (s)", r => r.Converged, 1),
            ("overlay TCP connections", r => r.Overlay.Connections, 0),
            ("resident MiB per silo", r => Median(r.ResidentMiB), 0),
            ("later broadcasts' last delivery (ms)", r => 1000 * Median([.. r.Broadcasts.Skip(1).Select(b => b.LastDelivery)]), 0),
            ("later broadcasts' RMR", r => Median([.. r.Broadcasts.Skip(1).Select(b => b.Rmr)]), 2),
            ("Dead after SIGKILL (s)", r => r.KillDead, 1),
            ("Dead after SIGSTOP (s)", r => r.StopDead, 1),
        ];
        var setups = results.Keys.ToList();
        var sizes = setups.Select(s => s.Silos).Distinct().Order().ToList();
        var overlays = setups.Select(s => s.Overlay).Distinct().ToList();
        output.WriteLine();
        output.WriteLine("## Medians over the rounds, as ratios");
        output.WriteLine();
        var columns = new List<(string Header, Func<Func<ProcessScaleResult, double>, int, string> Cell)>();
        foreach (var overlay in overlays)
        {
            foreach (var size in sizes)
            {
                columns.Add(($"{overlay}, {size}", (f, d) => Fixed(MedianOf(results, new(overlay, size), f), d)));
            }

            if (sizes.Count == 2)
            {
                columns.Add(($"{overlay}: {sizes[1]} / {sizes[0]}", (f, _) => Ratio(MedianOf(results, new(overlay, sizes[1]), f) / MedianOf(results, new(overlay, sizes[0]), f))));
            }
        }

        if (overlays.Count == 2)
        {
            columns.Add(($"{sizes[^1]} silos: {overlays[1]} / {overlays[0]}", (f, _) => Ratio(MedianOf(results, new(overlays[1], sizes[^1]), f) / MedianOf(results, new(overlays[0], sizes[^1]), f))));
        }

        output.WriteLine("| figure | " + string.Join(" | ", columns.Select(c => c.Header)) + " |");
        output.WriteLine("| --- |" + string.Concat(columns.Select(_ => " ---: |")));
        foreach (var (name, value, decimals) in figures)
        {
            output.WriteLine($"| {name} | " + string.Join(" | ", columns.Select(c => c.Cell(value, decimals))) + " |");
        }
    }

    private static double MedianOf(Dictionary<Setup, List<ProcessScaleResult>> results, Setup setup, Func<ProcessScaleResult, double> value)
        => results.TryGetValue(setup, out var list) ? Median([.. list.Select(value)]) : double.NaN;

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Name(Setup setup) => $"{setup.Overlay}, {setup.Silos} silos";

    private static string Range(IReadOnlyList<int> sorted) => sorted[0] == sorted[^1] ? Invariant($"{sorted[0]}") : Invariant($"{sorted[0]}-{sorted[^1]} (median {sorted[sorted.Count / 2]})");

    private static string Ms(double seconds) => (seconds * 1000).ToString("0", Culture);

    private static string Invariant(FormattableString text) => text.ToString(Culture);

    private static int Option(string[] args, string name, int fallback) => Value(args, name) is { } value ? int.Parse(value, Culture) : fallback;

    private static string? Value(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static double MemoryGiB() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
}

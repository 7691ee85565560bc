using System.Diagnostics;
using System.Globalization;
using Orleans.Partisan.ProcessHost;
using static Orleans.Partisan.Benchmarks.Report;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Issue 12's measurement of silent failures, with silos as processes on loopback and every core kept busy by CPU
/// burners: how long after SIGSTOP of a silo (not a seed) every survivor reports it dead, beside SIGKILL of one (the
/// crash the overlay already detected) in the same run; then a run of several minutes with a slow but live silo
/// (CPU-starved by busy threads of its own and paused for 1 s every few seconds) in which no silo may be declared
/// dead; then SIGTERM to every silo at once.
/// </summary>
internal static class SilentFailureExperiment
{
    /// <summary>Issue 12's bound on detection: Dead at every survivor within 10 s of SIGSTOP.</summary>
    private static readonly TimeSpan DetectionTarget = TimeSpan.FromSeconds(10);

    /// <summary>Issue 12's bound on a whole-cluster stop: every process ends within 30 s of SIGTERM.</summary>
    private static readonly TimeSpan StopTarget = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>One victim: when each survivor reported it down on the overlay and Dead, in seconds after the signal.</summary>
    private sealed record Detection(string Kind, IReadOnlyList<(string Survivor, double Down, double Dead)> Survivors)
    {
        public double DeadEverywhere => Survivors.Max(s => s.Dead);
    }

    public static async Task RunAsync(string[] args, TextWriter output)
    {
        var quick = args.Contains("--quick");
        var rounds = Option(args, "--rounds", quick ? 2 : 5);
        var minutes = Option(args, "--minutes", quick ? 1 : 10);
        output.WriteLine("# Orleans.Partisan silent-failure experiment");
        output.WriteLine();
        output.WriteLine("Command: `dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- " + string.Join(' ', args) + "`");
        output.WriteLine();
        output.WriteLine($"- machine: {Environment.ProcessorCount} logical cores, load average at start (1/5/15 min): {MachineLoad.LoadAverage()}");
        output.WriteLine($"- started: {DateTime.Now:yyyy-MM-dd HH:mm}");
        var machine = MachineLoad.Start();
        var total = Stopwatch.StartNew();

        using var burners = CpuBurners.Start(Environment.ProcessorCount);
        output.WriteLine($"- {burners.Count} CPU burners (sh busy loops at normal priority) run throughout, one per core");
        await using var cluster = await SiloCluster.StartAsync(3, new Dictionary<string, string>
        {
            ["FailureDetection"] = "true",
            ["PartisanLogLevel"] = "Information",
        });
        await cluster.AddAsync("silo3");
        await cluster.ConnectClientAsync();
        var counters = Enumerable.Range(0, 40).Select(i => cluster.Client.GetGrain<IProcessCounterGrain>(i)).ToList();
        await Task.WhenAll(counters.Select(c => c.Increment()));
        await using var load = GrainLoad.Start(counters, callers: 8);
        output.WriteLine($"- 3 seeds and 1 other silo run throughout; each victim is a fifth silo started for its round; 8 callers increment 40 counter grains throughout (calls bounded at 2 s); cluster ready after {total.Elapsed.TotalSeconds:0} s");
        output.WriteLine();

        // The baseline: a crash, whose connections close at once.
        var detections = new List<Detection> { await DetectAsync(cluster, "crash", "SIGKILL", v => v.Kill(), output) };
        for (var round = 1; round <= rounds; round++)
        {
            detections.Add(await DetectAsync(cluster, $"frozen{round}", "SIGSTOP", v => v.Freeze(), output));
        }

        PrintDetections(detections, output);
        await SoakAsync(cluster, load, TimeSpan.FromMinutes(minutes), output);
        await StopAllAsync(cluster, output);

        var (self, others, stolen) = machine?.Stop() ?? (double.NaN, double.NaN, double.NaN);
        output.WriteLine();
        output.WriteLine($"Run took {total.Elapsed.TotalMinutes:0.0} min; CPU of the whole machine: this process {self:0}%, all other processes (silos, burners, other users) {others:0}%, {MachineLoad.Describe(stolen)}; load average at the end {MachineLoad.LoadAverage()}.");
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>Starts a victim, lets the survivors connect to it, signals it and times each survivor's nodedown and Dead.</summary>
    private static async Task<Detection> DetectAsync(SiloCluster cluster, string name, string kind, Action<SiloProcess> signal, TextWriter output)
    {
        var survivors = cluster.Running;
        var victim = await cluster.AddAsync(name);
        var watch = Stopwatch.StartNew();
        signal(victim);
        var seen = await Task.WhenAll(survivors.Select(async s =>
        {
            await s.WaitForLineAsync(l => l.StartsWith($"NODEDOWN {victim.SiloAddress} ", StringComparison.Ordinal), Timeout, $"NODEDOWN of {name}");
            var down = watch.Elapsed.TotalSeconds;
            await s.WaitForLineAsync(l => l == $"STATUS {victim.SiloAddress} Dead", Timeout, $"{name} Dead");
            return (s.Name, down, watch.Elapsed.TotalSeconds);
        }));
        var detection = new Detection(kind, seen);
        output.WriteLine($"> {kind} of {name}: Dead at every survivor after {detection.DeadEverywhere:0.0} s");
        if (kind == "SIGSTOP")
        {
            // Resumed, it finds itself declared dead and stops; kill it if it has not within the timeout.
            victim.Thaw();
            using var exit = new CancellationTokenSource(Timeout);
            try
            {
                await victim.WaitForExitAsync(exit.Token);
            }
            catch (OperationCanceledException)
            {
                output.WriteLine($"> {name} did not stop by itself within {Timeout.TotalSeconds:0} s of SIGCONT; killed");
                victim.Kill();
            }
        }

        return detection;
    }

    private static void PrintDetections(IReadOnlyList<Detection> detections, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("## Detection: SIGSTOP (silent) beside SIGKILL (crash)");
        output.WriteLine();
        output.WriteLine("Seconds from the signal. Dead: the survivor's Orleans membership reports the victim Dead. Nodedown: its overlay");
        output.WriteLine("lost the victim (heartbeat timeout for SIGSTOP, closed connections for SIGKILL).");
        output.WriteLine();
        output.WriteLine("| victim | signal | Dead at every survivor | Dead, per survivor | nodedown, per survivor |");
        output.WriteLine("| --- | --- | ---: | --- | --- |");
        var index = 0;
        foreach (var d in detections)
        {
            output.WriteLine($"| {(index++ == 0 ? "crash" : $"frozen {index - 1}")} | {d.Kind} | {d.DeadEverywhere:0.0} | {string.Join(", ", d.Survivors.Select(s => s.Dead.ToString("0.0", Culture)))} | {string.Join(", ", d.Survivors.Select(s => s.Down.ToString("0.0", Culture)))} |");
        }

        var crash = detections[0].DeadEverywhere;
        var frozen = detections.Skip(1).Select(d => d.DeadEverywhere).Order().ToList();
        var all = detections.Skip(1).SelectMany(d => d.Survivors.Select(s => s.Dead)).Order().ToList();
        if (frozen.Count == 0)
        {
            return;
        }

        var median = frozen[frozen.Count / 2];
        output.WriteLine();
        output.WriteLine($"SIGSTOP, Dead at every survivor over {frozen.Count} rounds: min {frozen[0]:0.0} s, median {median:0.0} s, max {frozen[^1]:0.0} s;");
        output.WriteLine($"over all {all.Count} survivor observations: min {all[0]:0.0} s, median {all[all.Count / 2]:0.0} s, p90 {all[(int)Math.Ceiling(all.Count * 0.9) - 1]:0.0} s, max {all[^1]:0.0} s.");
        output.WriteLine($"Median / SIGKILL baseline ({crash:0.0} s): {median / crash:0.00}x; max / 10 s target: {frozen[^1] / DetectionTarget.TotalSeconds:0.00} ({(frozen[^1] <= DetectionTarget.TotalSeconds ? "met" : "NOT met")} in every round: {frozen.Count(f => f <= DetectionTarget.TotalSeconds)} of {frozen.Count}).");
    }

    /// <summary>
    /// Runs for <paramref name="duration"/> with a slow silo (busy threads of its own, paused 1 s in every 5 s) among
    /// the others, and counts what no live silo may see: a silo declared Dead, a nodedown for a heartbeat timeout.
    /// </summary>
    private static async Task SoakAsync(SiloCluster cluster, GrainLoad load, TimeSpan duration, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"## False verdicts: {duration.TotalMinutes:0} minutes under full load with a slow silo");
        output.WriteLine();
        if (duration <= TimeSpan.Zero)
        {
            output.WriteLine("Skipped (--minutes 0).");
            return;
        }

        var slow = await cluster.AddAsync("slow", new Dictionary<string, string> { ["BusyThreads"] = "2" });
        var silos = cluster.Running;
        var addresses = silos.Select(s => s.SiloAddress!).ToList();
        int Count(Func<string, bool> match) => silos.Sum(s => s.Lines.Count(match));
        int CountLog(string what) => silos.Sum(s => s.LogLines.Count(l => l.Contains(what, StringComparison.Ordinal)));
        bool IsDead(string line) => line.StartsWith("STATUS ", StringComparison.Ordinal) && line.EndsWith(" Dead", StringComparison.Ordinal) && addresses.Any(a => line == $"STATUS {a} Dead");
        bool IsSilent(string line) => line.EndsWith(" HeartbeatTimeout", StringComparison.Ordinal) && addresses.Any(a => line.StartsWith($"NODEDOWN {a} ", StringComparison.Ordinal));
        var before = (Dead: Count(IsDead), Silent: Count(IsSilent), Checked: CountLog("[4005]"), Calls: load.Calls, Failures: load.Failures);

        var watch = Stopwatch.StartNew();
        var pauses = PauseCycle.Start(slow, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));
        try
        {
            while (watch.Elapsed < duration && Count(IsDead) == before.Dead)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
        finally
        {
            await pauses.DisposeAsync();
        }

        var taken = pauses.Pauses;
        var after = (Dead: Count(IsDead), Silent: Count(IsSilent), Checked: CountLog("[4005]"), Calls: load.Calls, Failures: load.Failures);
        output.WriteLine($"5 silos (3 seeds, silo3, and the slow silo with 2 busy threads of its own), {Environment.ProcessorCount} CPU burners, 8 grain callers;");
        output.WriteLine($"the slow silo paused by SIGSTOP/SIGCONT {taken.Count} times, {taken.DefaultIfEmpty().Average():0.00} s on average (longest {taken.DefaultIfEmpty().Max():0.00} s), every 4 s of running.");
        output.WriteLine();
        output.WriteLine("| ran | Dead verdicts (any live silo, at any silo) | overlay nodedowns for a heartbeat timeout | suspicions checked (event 4005) | grain calls ok / failed or over 2 s | slow silo still running |");
        output.WriteLine("| ---: | ---: | ---: | ---: | --- | --- |");
        output.WriteLine($"| {watch.Elapsed.TotalMinutes:0.0} min | {after.Dead - before.Dead} | {after.Silent - before.Silent} | {after.Checked - before.Checked} | {after.Calls - before.Calls} / {after.Failures - before.Failures} | {(!slow.HasExited ? "yes" : "no")} |");
    }

    /// <summary>SIGTERM to every running silo at once, seeds included; times each exit.</summary>
    private static async Task StopAllAsync(SiloCluster cluster, TextWriter output)
    {
        var silos = cluster.Running;
        var watch = Stopwatch.StartNew();
        foreach (var silo in silos)
        {
            silo.Terminate();
        }

        using var deadline = new CancellationTokenSource(Timeout);
        var exits = await Task.WhenAll(silos.Select(async s =>
        {
            try
            {
                await s.WaitForExitAsync(deadline.Token);
                return (s.Name, Seconds: watch.Elapsed.TotalSeconds);
            }
            catch (OperationCanceledException)
            {
                return (s.Name, Seconds: double.PositiveInfinity);
            }
        }));
        var slowest = exits.Max(e => e.Seconds);
        output.WriteLine();
        output.WriteLine("## Whole-cluster stop under load");
        output.WriteLine();
        output.WriteLine($"SIGTERM to all {silos.Count} silos at once, seeds included, burners still running: exits after {string.Join(", ", exits.Select(e => $"{e.Name} {e.Seconds:0.0} s"))};");
        output.WriteLine($"slowest {slowest:0.0} s, {slowest / StopTarget.TotalSeconds:0.00} of the 30 s target ({(slowest <= StopTarget.TotalSeconds ? "met" : "NOT met")}).");
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// The HyParView paper's experiments (Leitão, Pereira, Rodrigues, DSN 2007, §5) at 10,000 nodes in the
/// deterministic simulator: build the overlay by joins, stabilise, report its graph properties, then
/// crash 10 … 95 % of the nodes at once and report the reliability of a flood over the survivors'
/// active views right after the failure and after each following round, and the rounds until the
/// survivors form one connected component again.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- hyparview [--nodes 10000] [--seed N]</c>;
/// see <see cref="HyParViewExperimentSettings"/> for the other options. The simulator is deterministic:
/// every failure run rebuilds the same overlay from the seed (checked with the simulator's trace hash),
/// so the runs are independent and may go in parallel (<c>--parallel N</c>).
/// Markdown goes to <c>output</c>; progress goes to standard error.
/// </remarks>
internal static class HyParViewExperiment
{
    /// <summary>Runs the experiment with the settings in <paramref name="args"/> and prints its report.</summary>
    public static async Task RunAsync(IReadOnlyList<string> args, TextWriter output)
    {
        var settings = HyParViewExperimentSettings.Parse(args);
        var report = new HyParViewExperimentReport(settings, output);
        report.Header(args);
        var total = Stopwatch.StartNew();

        // Phase 1 and 2: the overlay, by joins, then stabilised; measured at steady state.
        var meter = HyParViewExperimentPhase.Start();
        var sim = HyParViewExperimentOverlay.Create(settings);
        HyParViewExperimentOverlay.JoinAll(sim, settings);
        var joined = (Cost: meter.Stop(), Virtual: sim.Now, sim.Steps);
        Progress($"joined {settings.Nodes} nodes in {joined.Cost.Wall.TotalSeconds:0.0} s ({joined.Steps:N0} events)");

        meter = HyParViewExperimentPhase.Start();
        HyParViewExperimentOverlay.Stabilise(sim, settings);
        var stabilised = (Cost: meter.Stop(), Virtual: sim.Now - joined.Virtual, Steps: sim.Steps - joined.Steps);
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        Progress($"stabilised in {stabilised.Cost.Wall.TotalSeconds:0.0} s ({stabilised.Steps:N0} events); live heap {heap / 1e6:N0} MB, {heap / settings.Nodes:N0} B per node; {Environment.CpuUsage.TotalTime.TotalSeconds:0} s of CPU so far");

        meter = HyParViewExperimentPhase.Start();
        var graph = HyParViewExperimentGraph.Of(sim);
        var pathSources = PickSources(graph, settings.PathSources, settings.Seed, salt: 0);
        var floodSources = PickSources(graph, settings.FloodSources, settings.Seed, salt: 1);
        var steady = HyParViewExperimentSteadyState.Measure(graph, pathSources, floodSources);
        report.SteadyState(steady, sim.Counters.ToString(), joined, stabilised, meter.Stop());
        var stableHash = sim.TraceHash;
        sim = null;

        // Phase 3: one run per failure fraction, each on its own copy of the same overlay (rebuilt from the seed).
        var swept = Stopwatch.StartNew();
        var results = new ConcurrentDictionary<int, HyParViewFailureResult>();
        await Parallel.ForEachAsync(
            settings.FailurePercents,
            new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism },
            (percent, _) =>
            {
                var result = HyParViewExperimentFailure.Run(settings, percent);
                results[percent] = result;
                Progress($"{percent} % crashed: built in {result.Build.Wall.TotalSeconds:0.0} s, {settings.RoundsAfterFailure} rounds in {result.Failure.Wall.TotalSeconds:0.0} s; one component after {result.RoundsToOneComponent?.ToString(CultureInfo.InvariantCulture) ?? "-"} round(s); {Environment.CpuUsage.TotalTime.TotalSeconds:0} s of CPU so far");

                // This fraction's tables now, on standard error, so a long run that is stopped leaves what it finished.
                lock (results)
                {
                    new HyParViewExperimentReport(settings, Console.Error).Failures([result], stableHash, swept.Elapsed);
                }

                return ValueTask.CompletedTask;
            });
        report.Failures([.. settings.FailurePercents.Select(p => results[p])], stableHash, swept.Elapsed);
        report.Footer(total.Elapsed);
    }

    /// <summary>
    /// Up to <paramref name="count"/> distinct random live nodes, from a source of their own seeded from
    /// <paramref name="seed"/> and <paramref name="salt"/> (not <c>HashCode</c>, which differs per process), so no draw of the simulation shifts.
    /// </summary>
    public static int[] PickSources(HyParViewExperimentGraph graph, int count, int seed, int salt)
    {
        var live = graph.LiveNodes();
        var random = new Random(unchecked((seed * 1_000_003) + (salt * 7919) + 0x5EED));
        var take = Math.Min(count, live.Length);
        for (var i = 0; i < take; i++)
        {
            var j = random.Next(i, live.Length);
            (live[i], live[j]) = (live[j], live[i]);
        }

        return live[..take];
    }

    /// <summary>A progress line on standard error, with the time of day.</summary>
    public static void Progress(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] hyparview: {line}");
}

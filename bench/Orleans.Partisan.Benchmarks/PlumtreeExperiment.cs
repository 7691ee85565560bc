using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// The Plumtree paper's experiments (Leitão, Pereira, Rodrigues, SRDS 2007, §5) at 10,000 nodes in the
/// deterministic simulator, over the HyParView overlay of the HyParView experiment: reliability, RMR and
/// last delivery hop of Plumtree and of eager flooding, side by side over the same overlay in the same
/// run, in steady state and after 20, 50 and 80 % of the nodes crash at once.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- plumtree [--nodes 10000] [--seed N]</c>;
/// see <see cref="PlumtreeExperimentSettings"/> for the other options. Each failure run rebuilds the same
/// overlay from the seed (the trace hash when the protocols are added is checked equal), so steady state
/// is the same in every run and is reported once. Markdown goes to <c>output</c>; progress to standard error.
/// </remarks>
internal static class PlumtreeExperiment
{
    /// <summary>Runs the experiment with the settings in <paramref name="args"/> and prints its report.</summary>
    public static async Task RunAsync(IReadOnlyList<string> args, TextWriter output)
    {
        var settings = PlumtreeExperimentSettings.Parse(args);
        var report = new PlumtreeExperimentReport(settings, output);
        report.Header(args);
        var total = Stopwatch.StartNew();
        var results = new ConcurrentDictionary<int, PlumtreeExperimentResult>();
        await Parallel.ForEachAsync(
            settings.FailurePercents,
            new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism },
            (percent, _) =>
            {
                var result = PlumtreeExperimentRun.Run(settings, percent);
                results[percent] = result;
                Progress($"{percent} % crashed: built in {result.Build.Wall.TotalSeconds:0.0} s, broadcasts in {result.Run.Wall.TotalSeconds:0.0} s; {Environment.CpuUsage.TotalTime.TotalSeconds:0} s of CPU so far");

                // This fraction's tables now, on standard error, so a long run that is stopped leaves what it finished.
                lock (results)
                {
                    new PlumtreeExperimentReport(settings, Console.Error).Results([result]);
                }

                return ValueTask.CompletedTask;
            });
        report.Results([.. settings.FailurePercents.Select(p => results[p])]);
        report.Footer(total.Elapsed);
    }

    /// <summary>A progress line on standard error, with the time of day.</summary>
    public static void Progress(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] plumtree: {line}");
}

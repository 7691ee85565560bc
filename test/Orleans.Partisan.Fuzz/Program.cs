using System.Diagnostics;
using Orleans.Partisan.Fuzz;

// The fuzz harness's command line; docs/security-testing.md gives the commands and their results.
//   run [target|all] [--inputs N] [--seed S] [--max-length L] [--seconds T] [--corpus DIR] [--findings DIR]
//   write-seeds [DIR]      the targets' seeds into the corpus (default: this project's corpus folder)
//   replay [DIR]           every corpus input (run twice, the second judged)
var command = args.Length > 0 ? args[0] : "run";
var options = Options.Parse(args.Skip(1).ToArray());
switch (command)
{
    case "write-seeds":
        var root = options.Positional ?? Path.Combine(Directory.GetCurrentDirectory(), "test", "Orleans.Partisan.Fuzz", "corpus");
        Console.WriteLine($"wrote {Corpus.WriteSeeds(root)} seeds to {root}");
        return 0;
    case "replay":
        var failures = 0;
        foreach (var target in FuzzRunner.Targets)
        {
            foreach (var (name, input) in Corpus.Read(options.Positional ?? Corpus.Default, target.Name))
            {
                // Twice, judging the second: the first run of a type loads and caches it.
                FuzzRunner.RunOne(target, input);
                var outcome = FuzzRunner.RunOne(target, input);
                Console.WriteLine($"{target.Name}/{name}: {outcome.Result}, {outcome.Allocated} B, {outcome.Elapsed.TotalMilliseconds:0.0} ms{(outcome.Finding is null ? "" : " FINDING " + outcome.Finding)}");
                failures += outcome.Finding is null ? 0 : 1;
            }
        }

        return failures == 0 ? 0 : 1;
    case "run":
        var findings = 0;
        var targets = options.Positional is null or "all" ? FuzzRunner.Targets : [FuzzRunner.Target(options.Positional)];
        foreach (var target in targets)
        {
            var corpus = Corpus.Read(options.Corpus ?? Corpus.Default, target.Name).Select(c => c.Input).ToList();
            if (corpus.Count == 0)
            {
                corpus = [.. target.Seeds().Select(s => s.Input)];
            }

            // Warm up: first-time type loading and codec creation are not the inputs' allocation.
            foreach (var input in corpus)
            {
                FuzzRunner.RunOne(target, input);
            }

            using var watchdog = new Watchdog(target.Name, options.Seed, Path.GetFullPath(options.Findings));
            var report = FuzzRunner.Run(target, corpus, options.Seed, options.Inputs, options.MaxLength, options.Duration, watchdog.Started);
            Console.WriteLine(report);
            findings += report.Findings.Count;
            foreach (var (iteration, input, finding) in report.Findings)
            {
                var file = Path.Combine(Directory.CreateDirectory(options.Findings).FullName, $"{target.Name}-{options.Seed}-{iteration}.bin");
                File.WriteAllBytes(file, input);
                Console.WriteLine($"  finding at iteration {iteration} ({file}): {finding}");
            }
        }

        return findings == 0 ? 0 : 1;
    default:
        Console.Error.WriteLine($"Unknown command '{command}': run, write-seeds or replay.");
        return 2;
}

/// <summary>The command line's options.</summary>
internal sealed record Options(string? Positional, long Inputs, int Seed, int MaxLength, TimeSpan Duration, string? Corpus, string Findings)
{
    public static Options Parse(string[] args)
    {
        string? positional = null;
        long inputs = 1_000_000;
        var seed = 1;
        var maxLength = 4096;
        var duration = TimeSpan.MaxValue;
        string? corpus = null;
        var findings = "fuzz-findings";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--inputs": inputs = long.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--max-length": maxLength = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--seconds": duration = TimeSpan.FromSeconds(double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture)); break;
                case "--corpus": corpus = args[++i]; break;
                case "--findings": findings = args[++i]; break;
                default: positional = args[i]; break;
            }
        }

        return new Options(positional, inputs, seed, maxLength, duration, corpus, findings);
    }
}

/// <summary>
/// Ends the process when one input runs for more than ten seconds (a hang cannot be interrupted in-process),
/// naming the seed and iteration that reproduce it.
/// </summary>
internal sealed class Watchdog : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly Timer _timer;
    private long _iteration = -1;
    private long _startedAt;

    public Watchdog(string target, int seed, string findings)
        => _timer = new Timer(_ => Check(target, seed, findings), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    public void Started(long iteration)
    {
        Volatile.Write(ref _startedAt, Stopwatch.GetTimestamp());
        Volatile.Write(ref _iteration, iteration);
    }

    public void Dispose() => _timer.Dispose();

    private void Check(string target, int seed, string findings)
    {
        var iteration = Volatile.Read(ref _iteration);
        if (iteration >= 0 && Stopwatch.GetElapsedTime(Volatile.Read(ref _startedAt)) > Limit)
        {
            Console.WriteLine($"HANG: {target} iteration {iteration} of seed {seed} ran for more than {Limit.TotalSeconds} s; rerun with --seed {seed} to reproduce (findings: {findings}).");
            Environment.Exit(3);
        }
    }
}

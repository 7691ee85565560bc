using System.Globalization;
using Orleans.Partisan.Simulation;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// What the HyParView experiment runs: the size, the seed and how long each phase lasts, read from
/// the command line (<c>hyparview [--nodes N] [--seed N] [--rounds N] [--stabilise N] [--sources N] [--parallel N]</c>).
/// </summary>
internal sealed record HyParViewExperimentSettings
{
    /// <summary>The failure fractions of the paper's experiment (DSN 2007 §5), in percent.</summary>
    public static readonly IReadOnlyList<int> PaperFailurePercents = [10, 20, 30, 40, 50, 60, 70, 80, 90, 95];

    /// <summary>The nodes of the overlay (the paper: 10,000).</summary>
    public int Nodes { get; init; } = 10_000;

    /// <summary>The seed of every simulation of the run: the same seed builds the same overlay.</summary>
    public int Seed { get; init; } = 2007;

    /// <summary>The virtual time between two joins: node i joins through a random node of 0..i-1 this long after node i-1.</summary>
    public TimeSpan JoinGap { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The shuffle rounds run after the last join, before the overlay is measured and failed.</summary>
    public int StabiliseRounds { get; init; } = 10;

    /// <summary>The rounds run and measured after a failure.</summary>
    public int RoundsAfterFailure { get; init; } = 10;

    /// <summary>The random live nodes a flood is sent from, for each reliability figure (the mean is reported).</summary>
    public int FloodSources { get; init; } = 100;

    /// <summary>The random nodes the shortest paths are measured from (breadth-first search from each).</summary>
    public int PathSources { get; init; } = 100;

    /// <summary>
    /// How many failure runs go at once (each builds its own overlay from the seed). Default 1: the
    /// benchmark runs the workstation GC, whose collections stop every run at once, and on a 2-core
    /// machine two runs at a time each took three times as long as one alone.
    /// </summary>
    public int Parallelism { get; init; } = 1;

    /// <summary>The simulator's workers (<see cref="SimulationOptions.Workers"/>): 1 here; the <c>scale</c> experiment takes <c>--workers</c>. The run is the same with any number.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>The failure fractions, in percent.</summary>
    public IReadOnlyList<int> FailurePercents { get; init; } = PaperFailurePercents;

    /// <summary>Reads the settings from the arguments; unknown arguments are left to the rest of the program.</summary>
    /// <exception cref="ArgumentException">A value is missing, not a number or out of range.</exception>
    public static HyParViewExperimentSettings Parse(IReadOnlyList<string> args)
    {
        var settings = new HyParViewExperimentSettings();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--nodes":
                    settings = settings with { Nodes = Number(args, ++i, "--nodes", min: 10) };
                    break;
                case "--seed":
                    settings = settings with { Seed = Number(args, ++i, "--seed", min: int.MinValue) };
                    break;
                case "--rounds":
                    settings = settings with { RoundsAfterFailure = Number(args, ++i, "--rounds", min: 1) };
                    break;
                case "--stabilise":
                    settings = settings with { StabiliseRounds = Number(args, ++i, "--stabilise", min: 0) };
                    break;
                case "--sources":
                    settings = settings with { FloodSources = Number(args, ++i, "--sources", min: 1) };
                    break;
                case "--parallel":
                    settings = settings with { Parallelism = Number(args, ++i, "--parallel", min: 1) };
                    break;
                case "--failures":
                    settings = settings with { FailurePercents = Percents(args, ++i) };
                    break;
            }
        }

        return settings;
    }

    private static int Number(IReadOnlyList<string> args, int index, string name, int min)
    {
        if (index >= args.Count || !int.TryParse(args[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new ArgumentException($"{name} needs a whole number.");
        }

        return value >= min ? value : throw new ArgumentException($"{name} must be at least {min} (was {value}).");
    }

    private static int[] Percents(IReadOnlyList<string> args, int index)
    {
        if (index >= args.Count)
        {
            throw new ArgumentException("--failures needs a comma-separated list of percents, e.g. 10,50,90.");
        }

        var percents = new List<int>();
        foreach (var part in args[index].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var percent) || percent is < 1 or > 99)
            {
                throw new ArgumentException($"--failures takes percents from 1 to 99 (was {part}).");
            }

            percents.Add(percent);
        }

        return [.. percents];
    }
}

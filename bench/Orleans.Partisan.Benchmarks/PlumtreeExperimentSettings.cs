using System.Globalization;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// What the Plumtree experiment runs, read from the command line
/// (<c>plumtree [--nodes N] [--seed N] [--roots N] [--warmup N] [--rounds N] [--failures 20,50,80] [--parallel N]</c>).
/// </summary>
internal sealed record PlumtreeExperimentSettings
{
    /// <summary>The nodes of the overlay (the paper: 10,000).</summary>
    public int Nodes { get; init; } = 10_000;

    /// <summary>The seed: the same seed builds the same overlay and makes the same broadcasts.</summary>
    public int Seed { get; init; } = 2007;

    /// <summary>The random nodes that broadcast: each has its own tree, warmed up before the measures.</summary>
    public int Roots { get; init; } = 10;

    /// <summary>The broadcast rounds (one broadcast per root and protocol) before steady state is measured: they build the trees.</summary>
    public int WarmupRounds { get; init; } = 3;

    /// <summary>The broadcast rounds measured in each phase.</summary>
    public int MeasuredRounds { get; init; } = 2;

    /// <summary>How long each measured round runs before its broadcasts are counted, in lazy ticks (1 s each).</summary>
    public int HorizonTicks { get; init; } = 5;

    /// <summary>The HyParView shuffle rounds run after a failure before the "after healing" measures.</summary>
    public int HealRounds { get; init; } = 3;

    /// <summary>The HyParView rounds that stabilise the overlay after the joins.</summary>
    public int StabiliseRounds { get; init; } = 10;

    /// <summary>How many failure runs go at once (each builds its own overlay from the seed).</summary>
    public int Parallelism { get; init; } = 1;

    /// <summary>The failure fractions, in percent.</summary>
    public IReadOnlyList<int> FailurePercents { get; init; } = [20, 50, 80];

    /// <summary>The same overlay's settings for <see cref="HyParViewExperimentOverlay"/>.</summary>
    public HyParViewExperimentSettings Overlay => new() { Nodes = Nodes, Seed = Seed, StabiliseRounds = StabiliseRounds };

    /// <summary>Reads the settings from the arguments; unknown arguments are ignored.</summary>
    /// <exception cref="ArgumentException">A value is missing, not a number or out of range.</exception>
    public static PlumtreeExperimentSettings Parse(IReadOnlyList<string> args)
    {
        var settings = new PlumtreeExperimentSettings();
        for (var i = 0; i < args.Count; i++)
        {
            settings = args[i] switch
            {
                "--nodes" => settings with { Nodes = Number(args, ++i, "--nodes", min: 10) },
                "--seed" => settings with { Seed = Number(args, ++i, "--seed", min: int.MinValue) },
                "--roots" => settings with { Roots = Number(args, ++i, "--roots", min: 1) },
                "--warmup" => settings with { WarmupRounds = Number(args, ++i, "--warmup", min: 0) },
                "--rounds" => settings with { MeasuredRounds = Number(args, ++i, "--rounds", min: 1) },
                "--horizon" => settings with { HorizonTicks = Number(args, ++i, "--horizon", min: 1) },
                "--heal" => settings with { HealRounds = Number(args, ++i, "--heal", min: 0) },
                "--stabilise" => settings with { StabiliseRounds = Number(args, ++i, "--stabilise", min: 0) },
                "--parallel" => settings with { Parallelism = Number(args, ++i, "--parallel", min: 1) },
                "--failures" => settings with { FailurePercents = Percents(args, ++i) },
                _ => settings,
            };
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
            throw new ArgumentException("--failures needs a comma-separated list of percents, e.g. 20,50,80.");
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

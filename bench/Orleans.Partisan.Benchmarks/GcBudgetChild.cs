using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Runs an experiment again in a child process whose garbage collector has a larger gen0 budget
/// (<c>DOTNET_GCgen0size</c>), for the simulator at scale: its events allocate short-lived messages and
/// effects beside a live heap of hundreds of megabytes, and the runtime's default budget collects
/// every few megabytes. The budget can only be set before the runtime starts (an environment variable:
/// neither <c>System.GC.Gen0Size</c> nor <c>GCgen0size</c> in <c>runtimeconfig.json</c> changes the
/// collection count, measured), so the benchmark starts itself again with it. It is the benchmark's
/// setting only: the library and the other experiments keep the runtime's default.
/// </summary>
internal static class GcBudgetChild
{
    /// <summary>The environment variable that sets the gen0 budget, in bytes, written in hexadecimal.</summary>
    public const string Variable = "DOTNET_GCgen0size";

    /// <summary>
    /// The budget asked for by <c>--gen0-budget MB</c> (default <paramref name="fallbackMegabytes"/>; 0: the
    /// runtime's default, in this process), or null when this process already runs with a budget set by
    /// <see cref="Variable"/> (the child, or a caller who set it).
    /// </summary>
    public static int? Requested(IReadOnlyList<string> args, int fallbackMegabytes)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            return null;
        }

        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == "--gen0-budget")
            {
                return int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var megabytes) && megabytes is >= 0 and <= 4096
                    ? megabytes
                    : throw new ArgumentException($"--gen0-budget needs a whole number of megabytes in [0, 4096] (was {args[i + 1]}).");
            }
        }

        return fallbackMegabytes;
    }

    /// <summary>What this process runs with, for the report: the variable's value, or the runtime's default.</summary>
    public static string Describe()
        => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? string.Create(CultureInfo.InvariantCulture, $"gen0 budget {Variable}={value} ({ParseHex(value) / (1024 * 1024):N0} MB)")
            : "gen0 budget: the runtime's default";

    /// <summary>
    /// Runs this program again with <paramref name="args"/> and a gen0 budget of <paramref name="megabytes"/>;
    /// the child writes to this process's standard output and error. Throws if the child fails.
    /// </summary>
    public static void Run(IReadOnlyList<string> args, int megabytes)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown: run with --gen0-budget 0.");
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            // Started as `dotnet Orleans.Partisan.Benchmarks.dll`: the child needs the assembly too.
            start.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("The entry assembly is unknown: run with --gen0-budget 0."));
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[Variable] = ((long)megabytes * 1024 * 1024).ToString("x", CultureInfo.InvariantCulture);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host}.");
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"The child process (gen0 budget {megabytes} MB) exited with code {child.ExitCode}.");
        }
    }

    private static long ParseHex(string value)
        => long.TryParse(value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? value[2..] : value, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var bytes) ? bytes : 0;
}

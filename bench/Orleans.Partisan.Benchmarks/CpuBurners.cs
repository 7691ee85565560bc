using System.Diagnostics;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Processes that keep every core busy for as long as they run (<c>sh -c 'while :; do :; done'</c>, one per logical
/// core, at normal priority): the silos under test then share the cores with them, as on a machine at full load.
/// </summary>
internal sealed class CpuBurners : IDisposable
{
    private readonly List<Process> _processes = [];

    private CpuBurners(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var start = new ProcessStartInfo("sh") { UseShellExecute = false, RedirectStandardInput = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("while :; do :; done");
            _processes.Add(Process.Start(start) ?? throw new InvalidOperationException("Could not start a CPU burner (sh)."));
        }
    }

    /// <summary>How many run.</summary>
    public int Count => _processes.Count;

    /// <summary>Starts <paramref name="count"/> burners.</summary>
    public static CpuBurners Start(int count) => new(count);

    /// <summary>Kills them.</summary>
    public void Dispose()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
        }
    }
}

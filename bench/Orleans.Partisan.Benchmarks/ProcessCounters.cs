using System.Globalization;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// This process's context switches (Linux, summed over /proc/self/task/*/status): voluntary (a thread waited, and a
/// wake-up came) and involuntary (a thread was preempted). Counts move less with the machine's load than times do;
/// socket system calls are not counted by /proc (<c>/proc/self/io</c> counts only file reads and writes), use
/// <c>perf stat -e 'syscalls:sys_enter_*'</c> for those. Threads that ended between two snapshots take their switches
/// with them; the thread pool's live on.
/// </summary>
internal readonly record struct ProcessCounters(long Voluntary, long Involuntary)
{
    /// <summary>The counts now, or zeros where /proc cannot be read.</summary>
    public static ProcessCounters Read()
    {
        long voluntary = 0, involuntary = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                try
                {
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            voluntary += Value(line);
                        }
                        else if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            involuntary += Value(line);
                        }
                    }
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // The thread ended meanwhile.
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or /proc hidden: zeros.
        }

        return new ProcessCounters(voluntary, involuntary);
    }

    /// <summary>The counts since <paramref name="start"/>, per message, as "voluntary/involuntary cs".</summary>
    public string PerMessageSince(ProcessCounters start, long messages)
    {
        string Per(long count) => (count / (double)messages).ToString("0.00", CultureInfo.InvariantCulture);
        return $"{Per(Voluntary - start.Voluntary)}/{Per(Involuntary - start.Involuntary)} cs";
    }

    private static long Value(string line) => long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
}

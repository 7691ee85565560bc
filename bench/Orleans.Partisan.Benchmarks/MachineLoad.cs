namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// How busy the machine was with other processes during the run (Linux: /proc/stat minus this
/// process's own CPU time), so that a noisy run can be told from a quiet one.
/// </summary>
internal sealed class MachineLoad
{
    private readonly long _busy;
    private readonly long _total;
    private readonly TimeSpan _self;

    private MachineLoad(long busy, long total, TimeSpan self)
    {
        _busy = busy;
        _total = total;
        _self = self;
    }

    public static MachineLoad? Start()
    {
        var (busy, total) = ReadStat();
        return total == 0 ? null : new MachineLoad(busy, total, Environment.CpuUsage.TotalTime);
    }

    /// <summary>Percent of the whole machine (all cores) used by this process and by others since <see cref="Start"/>.</summary>
    public (double Self, double Others) Stop()
    {
        var (busy, total) = ReadStat();
        var totalTicks = total - _total;
        if (totalTicks <= 0)
        {
            return (double.NaN, double.NaN);
        }

        // /proc/stat counts in USER_HZ (100 per second on Linux) summed over all cores.
        var selfTicks = (Environment.CpuUsage.TotalTime - _self).TotalSeconds * 100;
        var busyTicks = (double)(busy - _busy);
        return (100 * selfTicks / totalTicks, 100 * Math.Max(0, busyTicks - selfTicks) / totalTicks);
    }

    /// <summary>The load average over 1, 5 and 15 minutes, as "1.00 / 2.00 / 3.00" (Linux), or "unknown".</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private static (long Busy, long Total) ReadStat()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
            var idle = fields[3] + fields[4];
            var total = fields.Sum();
            return (total - idle, total);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return (0, 0);
        }
    }
}

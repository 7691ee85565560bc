namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// How busy the machine was with other processes during the run (Linux: /proc/stat minus this
/// process's own CPU time), and how much CPU the virtual machine's host took from it (steal time), so
/// that a noisy run can be told from a quiet one, and a quiet run on a busy host from one on an idle host.
/// </summary>
internal sealed class MachineLoad
{
    private readonly Stat _start;
    private readonly TimeSpan _self;

    private MachineLoad(Stat start, TimeSpan self)
    {
        _start = start;
        _self = self;
    }

    public static MachineLoad? Start()
    {
        var stat = ReadStat();
        return stat.Total == 0 ? null : new MachineLoad(stat, Environment.CpuUsage.TotalTime);
    }

    /// <summary>
    /// Percent of the whole machine (all cores) used by this process and by others since <see cref="Start"/>, and
    /// taken by the host (steal time: 0 on bare metal; a share here is CPU this machine's cores did not get).
    /// </summary>
    public (double Self, double Others, double Stolen) Stop()
    {
        var stat = ReadStat();
        var totalTicks = stat.Total - _start.Total;
        if (totalTicks <= 0)
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        // /proc/stat counts in USER_HZ (100 per second on Linux) summed over all cores.
        var selfTicks = (Environment.CpuUsage.TotalTime - _self).TotalSeconds * 100;
        var busyTicks = (double)(stat.Busy - _start.Busy);
        var stolenTicks = (double)(stat.Stolen - _start.Stolen);
        return (100 * selfTicks / totalTicks, 100 * Math.Max(0, busyTicks - selfTicks) / totalTicks, 100 * stolenTicks / totalTicks);
    }

    /// <summary>The stolen share of <see cref="Stop"/> as a report phrase.</summary>
    public static string Describe(double stolen) =>
        double.IsNaN(stolen) ? "steal time unknown" : FormattableString.Invariant($"{stolen:0.0} % taken by the host (steal time)");

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

    // The first line of /proc/stat: user nice system idle iowait irq softirq steal, in USER_HZ over all cores. Busy
    // excludes steal: a stolen tick is neither this machine's work nor its idleness.
    private static Stat ReadStat()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
            var idle = fields[3] + fields[4];
            var stolen = fields.Length > 7 ? fields[7] : 0;
            var total = fields.Sum();
            return new Stat(total - idle - stolen, total, stolen);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return default;
        }
    }

    private readonly record struct Stat(long Busy, long Total, long Stolen);
}

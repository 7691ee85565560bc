using System.Globalization;
using System.Runtime.InteropServices;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// This process's context switches (Linux, <c>getrusage(RUSAGE_SELF)</c>): voluntary (a thread waited, and a wake-up
/// came) and involuntary (a thread was preempted), over every thread the process ever had, so a thread that ends between
/// two readings keeps its switches in both (a sum over <c>/proc/self/task</c> loses them, and could go down). Counts move
/// less with the machine's load than times do; socket system calls are not counted here, use
/// <c>perf stat -e 'syscalls:sys_enter_*'</c> for those.
/// </summary>
internal readonly record struct ProcessCounters(long Voluntary, long Involuntary)
{
    private const int RusageSelf = 0;

    // struct rusage on 64-bit Linux: two struct timevals (four longs), then fourteen longs, of which ru_nvcsw and
    // ru_nivcsw are the last two.
    private const int RusageLongs = 18;
    private const int VoluntaryIndex = 16;
    private const int InvoluntaryIndex = 17;

    /// <summary>The counts now, or zeros where <c>getrusage</c> is not available.</summary>
    public static ProcessCounters Read()
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
        {
            return default;
        }

        var usage = new long[RusageLongs];
        return GetResourceUsage(RusageSelf, usage) == 0 ? new ProcessCounters(usage[VoluntaryIndex], usage[InvoluntaryIndex]) : default;
    }

    /// <summary>The counts since <paramref name="start"/>, per message, as "voluntary/involuntary cs".</summary>
    public string PerMessageSince(ProcessCounters start, long messages)
    {
        string Per(long count) => (count / (double)messages).ToString("0.00", CultureInfo.InvariantCulture);
        return $"{Per(Voluntary - start.Voluntary)}/{Per(Involuntary - start.Involuntary)} cs";
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetResourceUsage(int who, [Out] long[] usage);
}

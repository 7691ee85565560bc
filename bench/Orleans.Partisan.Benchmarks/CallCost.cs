using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// What a measurement of the request-reply experiment spent, as totals: CPU time of this process (silo A) and of
/// silo B's process, bytes this process allocated, and the overlay's socket writes from this process (one
/// <c>partisan.bytes.sent</c> measurement per write); the voluntary context switches of both processes (a thread that
/// waited for something, a thread-pool worker parking included; on Linux, 0 elsewhere) and the thread-pool work items
/// this process completed; and the time this process's garbage collections paused it (what its allocations cost besides
/// allocating). Per call these move far less with other load on the machine than rates do; the counts least.
/// </summary>
internal readonly record struct CallCost(TimeSpan LocalCpu, TimeSpan RemoteCpu, long Bytes, long Writes, long LocalSwitches = 0, long RemoteSwitches = 0, long WorkItems = 0, TimeSpan GcPause = default)
{
    public static CallCost operator -(CallCost after, CallCost before)
        => new(after.LocalCpu - before.LocalCpu, after.RemoteCpu - before.RemoteCpu, after.Bytes - before.Bytes, after.Writes - before.Writes,
            after.LocalSwitches - before.LocalSwitches, after.RemoteSwitches - before.RemoteSwitches, after.WorkItems - before.WorkItems, after.GcPause - before.GcPause);

    public static CallCost operator +(CallCost a, CallCost b)
        => new(a.LocalCpu + b.LocalCpu, a.RemoteCpu + b.RemoteCpu, a.Bytes + b.Bytes, a.Writes + b.Writes,
            a.LocalSwitches + b.LocalSwitches, a.RemoteSwitches + b.RemoteSwitches, a.WorkItems + b.WorkItems, a.GcPause + b.GcPause);

    /// <summary>Microseconds silo A was paused by its garbage collections per operation.</summary>
    public double GcPauseMicroseconds(long operations) => GcPause.TotalMicroseconds / operations;

    /// <summary>Voluntary context switches of silo A and of silo B per operation, as "A / B".</summary>
    public string SwitchesPer(long operations) => FormattableString.Invariant($"{(double)LocalSwitches / operations:0.000} / {(double)RemoteSwitches / operations:0.000}");

    /// <summary>Thread-pool work items silo A completed per operation.</summary>
    public double WorkItemsPer(long operations) => (double)WorkItems / operations;

    /// <summary>CPU microseconds of both processes per operation.</summary>
    public double CpuMicroseconds(long operations) => (LocalCpu + RemoteCpu).TotalMicroseconds / operations;

    /// <summary>CPU microseconds of silo A per operation.</summary>
    public double LocalCpuMicroseconds(long operations) => LocalCpu.TotalMicroseconds / operations;

    /// <summary>CPU microseconds of silo B per operation.</summary>
    public double RemoteCpuMicroseconds(long operations) => RemoteCpu.TotalMicroseconds / operations;

    /// <summary>Bytes silo A allocated per operation.</summary>
    public double BytesPer(long operations) => (double)Bytes / operations;

    /// <summary>Overlay socket writes of silo A per operation.</summary>
    public double WritesPer(long operations) => (double)Writes / operations;
}

/// <summary>Reads <see cref="CallCost"/> totals of this process and of the process <c>remotePid</c>.</summary>
internal sealed class CallCostMeter : IDisposable
{
    private readonly int _remotePid;
    private readonly MeterListener _listener = new();
    private long _writes;

    public CallCostMeter(int remotePid)
    {
        _remotePid = remotePid;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PartisanMetrics.MeterName && instrument.Name == PartisanMetrics.BytesSent)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _writes));
        _listener.Start();
    }

    /// <summary>The totals so far.</summary>
    public CallCost Read()
    {
        using var self = Process.GetCurrentProcess();
        using var remote = Process.GetProcessById(_remotePid);
        return new CallCost(self.TotalProcessorTime, remote.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: false), Volatile.Read(ref _writes),
            ProcessCounters.Read().Voluntary, VoluntarySwitches(_remotePid), ThreadPool.CompletedWorkItemCount, GC.GetTotalPauseDuration());
    }

    /// <summary>
    /// The voluntary context switches of every live thread of process <paramref name="pid"/> so far (Linux), or 0: silo B,
    /// whose ended threads no reading can count (this process is read through <see cref="ProcessCounters"/>, which counts them).
    /// </summary>
    private static long VoluntarySwitches(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks))
        {
            return 0;
        }

        long total = 0;
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        total += long.Parse(line.AsSpan("voluntary_ctxt_switches:".Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (IOException)
            {
                // The thread ended meanwhile; its switches are no longer counted (nor were they in the reading before).
            }
        }

        return total;
    }

    public void Dispose() => _listener.Dispose();
}

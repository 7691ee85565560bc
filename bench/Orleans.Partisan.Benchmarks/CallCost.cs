using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// What a measurement of the request-reply experiment spent, as totals: CPU time of this process (silo A) and of
/// silo B's process, bytes this process allocated, and the overlay's socket writes from this process (one
/// <c>partisan.bytes.sent</c> measurement per write). Per call these move far less with other load on the
/// machine than rates do.
/// </summary>
internal readonly record struct CallCost(TimeSpan LocalCpu, TimeSpan RemoteCpu, long Bytes, long Writes)
{
    public static CallCost operator -(CallCost after, CallCost before)
        => new(after.LocalCpu - before.LocalCpu, after.RemoteCpu - before.RemoteCpu, after.Bytes - before.Bytes, after.Writes - before.Writes);

    public static CallCost operator +(CallCost a, CallCost b)
        => new(a.LocalCpu + b.LocalCpu, a.RemoteCpu + b.RemoteCpu, a.Bytes + b.Bytes, a.Writes + b.Writes);

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
        return new CallCost(self.TotalProcessorTime, remote.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: false), Volatile.Read(ref _writes));
    }

    public void Dispose() => _listener.Dispose();
}

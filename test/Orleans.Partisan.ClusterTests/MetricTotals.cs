using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Orleans.Partisan.ClusterTests;

/// <summary>Sums the overlay's counters (of every silo in this process) by instrument name while alive.</summary>
internal sealed class MetricTotals : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();

    public MetricTotals()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PartisanMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _totals.AddOrUpdate(instrument.Name, value, (_, old) => old + value));
        _listener.Start();
    }

    public long this[string instrument] => _totals.GetValueOrDefault(instrument);

    public void Dispose() => _listener.Dispose();
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Orleans.Partisan.ClusterTests;

/// <summary>Sums the overlay's counters (of every silo in this process) by instrument name while alive, optionally only the measurements with one tag value.</summary>
internal sealed class MetricTotals : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();

    /// <summary>Sums every measurement, or only those tagged <paramref name="tag"/> = <paramref name="value"/> when given.</summary>
    public MetricTotals(string? tag = null, string? value = null)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PartisanMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, measurement, tags, _) =>
        {
            if (tag is null || HasTag(tags, tag, value))
            {
                _totals.AddOrUpdate(instrument.Name, measurement, (_, old) => old + measurement);
            }
        });
        _listener.Start();
    }

    public long this[string instrument] => _totals.GetValueOrDefault(instrument);

    public void Dispose() => _listener.Dispose();

    private static bool HasTag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string tag, string? value)
    {
        foreach (var t in tags)
        {
            if (t.Key == tag && Equals(t.Value, value))
            {
                return true;
            }
        }

        return false;
    }
}

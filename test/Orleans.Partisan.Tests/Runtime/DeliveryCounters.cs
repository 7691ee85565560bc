using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>Sums the overlay's counters by instrument name (and by reason tag, for the undeliverable ones) while alive.</summary>
internal sealed class DeliveryCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();

    public DeliveryCounters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PartisanMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            _totals.AddOrUpdate(instrument.Name, value, (_, old) => old + value);
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    _totals.AddOrUpdate($"{instrument.Name}/{tag.Value}", value, (_, old) => old + value);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>The total of <paramref name="instrument"/>, or of its measurements with that reason.</summary>
    public long this[string instrument, string? reason = null] => _totals.GetValueOrDefault(reason is null ? instrument : $"{instrument}/{reason}");

    public override string ToString() => string.Join(", ", _totals.Where(t => t.Key.StartsWith("partisan.messages", StringComparison.Ordinal)).OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));

    public void Dispose() => _listener.Dispose();
}

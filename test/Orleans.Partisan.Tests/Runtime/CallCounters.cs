using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>Counts the request-reply instruments (<c>partisan.calls.*</c>) while alive: totals, and failures by reason.</summary>
internal sealed class CallCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();
    private readonly ConcurrentDictionary<string, long> _failures = new();

    public CallCounters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PartisanMetrics.MeterName && instrument.Name.StartsWith("partisan.calls.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            _totals.AddOrUpdate(instrument.Name, value, (_, old) => old + value);
            if (instrument.Name != PartisanMetrics.CallsFailed)
            {
                return;
            }

            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    _failures.AddOrUpdate((string)tag.Value!, value, (_, old) => old + value);
                }
            }
        });
        _listener.Start();
    }

    public long Started => _totals.GetValueOrDefault(PartisanMetrics.CallsStarted);

    public long LateReplies => _totals.GetValueOrDefault(PartisanMetrics.CallsLateReplies);

    public long Failed(string reason) => _failures.GetValueOrDefault(reason);

    public override string ToString() => $"totals [{string.Join(", ", _totals.Select(t => $"{t.Key}={t.Value}"))}], failures [{string.Join(", ", _failures.Select(f => $"{f.Key}={f.Value}"))}]";

    public void Dispose() => _listener.Dispose();
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Orleans.Partisan;

/// <summary>
/// The overlay's observable gauges (<see cref="PartisanMetrics.Members"/> and the others), and the nodes they read:
/// every running node of the process registers itself, and each collection reads each node once per gauge, tagged
/// with the node's name (one value per node of the process, so the tag stays bounded).
/// </summary>
internal static class OverlayGauges
{
    private static readonly ConcurrentDictionary<IOverlayGaugeSource, byte> Sources = new();

    private static readonly ObservableGauge<int>[] Instruments =
    [
        PartisanMetrics.Meter.CreateObservableGauge(PartisanMetrics.Members, () => Observe(r => r.Members), "{node}", "Members the node knows, itself included."),
        PartisanMetrics.Meter.CreateObservableGauge(PartisanMetrics.ActiveView, () => Observe(r => r.ActiveView, views: true), "{node}", "HyParView's active view size."),
        PartisanMetrics.Meter.CreateObservableGauge(PartisanMetrics.PassiveView, () => Observe(r => r.PassiveView, views: true), "{node}", "HyParView's passive view size."),
        PartisanMetrics.Meter.CreateObservableGauge(PartisanMetrics.Connections, ObserveConnections, "{connection}", "Open overlay connections."),
        PartisanMetrics.Meter.CreateObservableGauge(PartisanMetrics.SendQueueDepth, () => Observe(r => r.QueuedMessages), "{message}", "Messages waiting in the node's send queues."),
        PartisanMetrics.Meter.CreateObservableGauge(PartisanMetrics.MessagesUnacked, () => Observe(r => r.UnackedMessages), "{message}", "Acknowledged and causal messages not yet acknowledged."),
    ];

    /// <summary>Reads <paramref name="source"/> until the returned handle is disposed.</summary>
    public static IDisposable Register(IOverlayGaugeSource source)
    {
        _ = Instruments.Length; // the gauges exist once a node does
        Sources[source] = 0;
        return new Registration(source);
    }

    private static IEnumerable<Measurement<int>> Observe(Func<OverlayGaugeReading, int> value, bool views = false)
    {
        foreach (var source in Sources.Keys)
        {
            var reading = source.Read();
            if (!views || reading.ActiveView >= 0)
            {
                yield return new Measurement<int>(value(reading), new KeyValuePair<string, object?>("node", source.Node));
            }
        }
    }

    private static IEnumerable<Measurement<int>> ObserveConnections()
    {
        foreach (var source in Sources.Keys)
        {
            var reading = source.Read();
            yield return new Measurement<int>(reading.OutboundConnections, new("node", source.Node), new("direction", "outbound"));
            yield return new Measurement<int>(reading.InboundConnections, new("node", source.Node), new("direction", "inbound"));
        }
    }

    private sealed class Registration(IOverlayGaugeSource source) : IDisposable
    {
        public void Dispose() => Sources.TryRemove(source, out _);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orleans.Partisan.Clustering;

/// <summary>
/// The storage-free clustering's meter (<see cref="PartisanTelemetry.ClusteringMeterName"/>) and its instruments, named in
/// <see cref="PartisanTelemetry"/>: leader and term gauges of each running seed of the process, the commit latency and
/// the table requests.
/// </summary>
internal static class ClusteringMetrics
{
    private static readonly ConcurrentDictionary<ISeedGaugeSource, byte> Seeds = new();

    internal static readonly Meter Meter = new(PartisanTelemetry.ClusteringMeterName);

    /// <summary>Table commands replicated and applied by the leading seed, in seconds. Tag <c>operation</c>.</summary>
    internal static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>(
        PartisanTelemetry.ClusteringCommitDuration,
        "s",
        "How long a table command took to be replicated to a majority and applied on the leading seed.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    /// <summary>Table requests of this process, once each. Tags <c>operation</c> and <c>outcome</c>.</summary>
    internal static readonly Counter<long> TableRequests = Meter.CreateCounter<long>(PartisanTelemetry.ClusteringTableRequests, "{request}", "Membership table requests made, by operation and outcome.");

    private static readonly ObservableInstrument<long>[] Gauges =
    [
        Meter.CreateObservableGauge(PartisanTelemetry.ClusteringLeader, () => Observe(s => s.IsLeader ? 1 : 0), "{seed}", "1 while this seed leads the Raft group, 0 otherwise."),
        Meter.CreateObservableGauge(PartisanTelemetry.ClusteringTerm, () => Observe(s => s.Term), "{term}", "This seed's current Raft term."),
    ];

    /// <summary>Reads <paramref name="seed"/> until the returned handle is disposed.</summary>
    public static IDisposable Register(ISeedGaugeSource seed)
    {
        _ = Gauges.Length; // the gauges exist once a seed does
        Seeds[seed] = 0;
        return new Registration(seed);
    }

    /// <summary>Counts one table request of <paramref name="operation"/> that ended with <paramref name="outcome"/>.</summary>
    public static void CountRequest(string operation, string outcome)
        => TableRequests.Add(1, new TagList { { "operation", operation }, { "outcome", outcome } });

    private static IEnumerable<Measurement<long>> Observe(Func<ISeedGaugeSource, long> value)
    {
        foreach (var seed in Seeds.Keys)
        {
            yield return new Measurement<long>(value(seed), new KeyValuePair<string, object?>("seed", seed.Seed));
        }
    }

    private sealed class Registration(ISeedGaugeSource seed) : IDisposable
    {
        public void Dispose() => Seeds.TryRemove(seed, out _);
    }
}

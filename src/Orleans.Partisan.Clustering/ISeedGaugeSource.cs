namespace Orleans.Partisan.Clustering;

/// <summary>
/// What the clustering meter's observable gauges read from one running seed (<see cref="ClusteringMetrics"/>): read on
/// the thread that collects metrics, so every member is safe to call from any thread and cheap.
/// </summary>
internal interface ISeedGaugeSource
{
    /// <summary>The seed's consensus endpoint, the value of the gauges' <c>seed</c> tag.</summary>
    string Seed { get; }

    /// <summary>Whether the seed leads the Raft group now.</summary>
    bool IsLeader { get; }

    /// <summary>The seed's current Raft term.</summary>
    long Term { get; }
}

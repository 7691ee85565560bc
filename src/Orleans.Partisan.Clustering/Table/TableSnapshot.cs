namespace Orleans.Partisan.Clustering.Table;

/// <summary>The whole replicated state as one serializable value: what a Raft snapshot stores.</summary>
[GenerateSerializer, Alias("partisan.clustering.TableSnapshot")]
internal sealed class TableSnapshot
{
    /// <summary>Every cluster's table.</summary>
    [Id(0)] public Dictionary<string, TablePartition> Partitions { get; set; } = [];

    /// <summary>The last ETag number issued; ETags are never reused.</summary>
    [Id(1)] public long LastEtag { get; set; }

    /// <summary>Results of the most recent commands, oldest first, so that a retried command gets its first result.</summary>
    [Id(2)] public List<KeyValuePair<Guid, bool>> RecentResults { get; set; } = [];
}

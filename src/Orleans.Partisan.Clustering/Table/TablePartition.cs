namespace Orleans.Partisan.Clustering.Table;

/// <summary>One cluster's membership table: its version, the version's ETag and its rows.</summary>
[GenerateSerializer, Alias("partisan.clustering.TablePartition")]
internal sealed class TablePartition
{
    /// <summary>The table version (Orleans' logical counter).</summary>
    [Id(0)] public int Version { get; set; }

    /// <summary>Opaque ETag of <see cref="Version"/>; a fresh one with every committed version.</summary>
    [Id(1)] public string VersionEtag { get; set; } = string.Empty;

    /// <summary>The rows by silo address (endpoint and generation).</summary>
    [Id(2)] public Dictionary<SiloAddress, StoredRow> Rows { get; set; } = [];
}

namespace Orleans.Partisan.Clustering.Table;

/// <summary>One row as the table holds it: a private copy of the entry, never handed out, and its row ETag.</summary>
[GenerateSerializer, Alias("partisan.clustering.StoredRow")]
internal sealed class StoredRow
{
    /// <summary>The entry; callers receive copies.</summary>
    [Id(0)] public required MembershipEntry Entry { get; init; }

    /// <summary>Opaque row ETag; changes on InsertRow and UpdateRow, not on heartbeats.</summary>
    [Id(1)] public required string Etag { get; init; }
}

namespace Orleans.Partisan.Clustering.Table;

/// <summary>Replaces a row when its row ETag matches and <see cref="Version"/> is the next version of the current table version.</summary>
[GenerateSerializer, Alias("partisan.clustering.UpdateRowCommand")]
internal sealed class UpdateRowCommand : TableCommand
{
    /// <summary>The new row.</summary>
    [Id(0)] public required MembershipEntry Entry { get; init; }

    /// <summary>The row ETag the caller read.</summary>
    [Id(1)] public required string Etag { get; init; }

    /// <summary>The caller's <c>TableVersion.Next()</c> of the version it read.</summary>
    [Id(2)] public required TableVersion Version { get; init; }
}

namespace Orleans.Partisan.Clustering.Table;

/// <summary>Inserts a row when its silo is absent and <see cref="Version"/> is the next version of the current table version.</summary>
[GenerateSerializer, Alias("partisan.clustering.InsertRowCommand")]
internal sealed class InsertRowCommand : TableCommand
{
    /// <summary>The row to insert.</summary>
    [Id(0)] public required MembershipEntry Entry { get; init; }

    /// <summary>The caller's <c>TableVersion.Next()</c> of the version it read.</summary>
    [Id(1)] public required TableVersion Version { get; init; }
}

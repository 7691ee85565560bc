namespace Orleans.Partisan.Clustering.Table;

/// <summary>Removes the Dead rows whose last update (the later of start and IAmAlive time) is strictly before <see cref="Cutoff"/>.</summary>
[GenerateSerializer, Alias("partisan.clustering.CleanupDefunctCommand")]
internal sealed class CleanupDefunctCommand : TableCommand
{
    /// <summary>Rows updated strictly before this instant are removed when Dead.</summary>
    [Id(0)] public DateTimeOffset Cutoff { get; init; }
}

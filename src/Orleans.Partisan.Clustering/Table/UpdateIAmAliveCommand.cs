namespace Orleans.Partisan.Clustering.Table;

/// <summary>A silo's heartbeat: sets its row's IAmAliveTime and nothing else (no version, no ETag change); no-op for an absent row.</summary>
[GenerateSerializer, Alias("partisan.clustering.UpdateIAmAliveCommand")]
internal sealed class UpdateIAmAliveCommand : TableCommand
{
    /// <summary>The silo whose row is refreshed.</summary>
    [Id(0)] public required SiloAddress SiloAddress { get; init; }

    /// <summary>The new IAmAliveTime.</summary>
    [Id(1)] public DateTime IAmAliveTime { get; init; }
}

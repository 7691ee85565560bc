using Orleans.Partisan.Clustering.TableService;

namespace Orleans.Partisan.Clustering.Hosting;

/// <summary>What the clustering health check judges, read at once.</summary>
/// <param name="IsSeed">Whether this silo runs a seed.</param>
/// <param name="SeedRunning">Whether that seed has started and not stopped.</param>
/// <param name="Leader">The leader's consensus endpoint as the seed sees it, or <see langword="null"/> when it knows none.</param>
/// <param name="UnreachableSeeds">When the seed leads, the seeds it cannot reach.</param>
/// <param name="LastFailure">The last table request that failed, or <see langword="null"/>.</param>
/// <param name="LastSuccess">The last table request answered, or <see langword="null"/>.</param>
/// <param name="SinceFailure">How long ago <paramref name="LastFailure"/> ended.</param>
internal sealed record ClusteringHealthSnapshot(
    bool IsSeed,
    bool SeedRunning,
    string? Leader,
    IReadOnlyList<string> UnreachableSeeds,
    TableRequestOutcome? LastFailure,
    TableRequestOutcome? LastSuccess,
    TimeSpan SinceFailure);

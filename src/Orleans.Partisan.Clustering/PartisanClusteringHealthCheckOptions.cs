namespace Orleans.Partisan.Clustering;

/// <summary>
/// Thresholds of the storage-free clustering's health check (<c>services.AddHealthChecks().AddPartisanClustering()</c>),
/// which reports Unhealthy when this silo's seed is not running or knows no leader, or when the last table request found
/// no seed leading a majority; Degraded (with the reason) when the leading seed cannot reach another seed or a table
/// request failed recently; Healthy otherwise.
/// </summary>
/// <remarks><see cref="Validate"/> lists every problem, one sentence each; the registration throws on any.</remarks>
public sealed class PartisanClusteringHealthCheckOptions
{
    /// <summary>
    /// How long a failed table request keeps the check Degraded after later requests succeeded. Default 1 minute (Orleans
    /// re-reads the table about that often); more than zero.
    /// </summary>
    public TimeSpan RecentFailureWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Every problem with these options, one sentence each; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
        => RecentFailureWindow > TimeSpan.Zero ? [] : [$"RecentFailureWindow must be more than zero; it is {RecentFailureWindow}."];
}

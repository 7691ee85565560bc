using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Partisan.Clustering.Consensus;
using Orleans.Partisan.Clustering.TableService;

namespace Orleans.Partisan.Clustering.Hosting;

/// <summary>
/// The storage-free clustering's health check: Unhealthy when this silo's seed is not running or knows no leader (no
/// quorum), or when the last table request found no seed leading a majority; Degraded, with the reason, when the
/// leading seed cannot reach another seed (a replica falling behind) or a table request failed within
/// <see cref="PartisanClusteringHealthCheckOptions.RecentFailureWindow"/>; Healthy otherwise.
/// </summary>
internal sealed class ClusteringHealthCheck(SeedClient client, SeedNode? node, PartisanClusteringHealthCheckOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failure = client.LastFailure;
        var snapshot = new ClusteringHealthSnapshot(
            node is not null,
            node?.IsRunning ?? false,
            node?.Leader?.ToString(),
            node is null ? [] : [.. node.UnreachableSeeds.Select(e => e.ToString()!)],
            failure,
            client.LastSuccess,
            failure is null ? TimeSpan.MaxValue : Stopwatch.GetElapsedTime(failure.Timestamp));
        return Task.FromResult(Judge(snapshot, options));
    }

    /// <summary>The verdict on <paramref name="health"/>.</summary>
    internal static HealthCheckResult Judge(ClusteringHealthSnapshot health, PartisanClusteringHealthCheckOptions options)
    {
        var data = new Dictionary<string, object> { ["seed"] = health.IsSeed };
        if (health.Leader is { } leader)
        {
            data["leader"] = leader;
        }

        if (health.IsSeed && !health.SeedRunning)
        {
            return HealthCheckResult.Unhealthy("This silo's seed is not running.", data: data);
        }

        if (health.IsSeed && health.Leader is null)
        {
            return HealthCheckResult.Unhealthy("This seed knows no leader: no majority of the seeds has elected one.", data: data);
        }

        if (health.LastFailure is { } failure && (health.LastSuccess is not { } success || success.Timestamp < failure.Timestamp))
        {
            return HealthCheckResult.Unhealthy($"The last membership table request ({failure.Operation}) failed: {failure.Reason}", data: data);
        }

        var reasons = new List<string>();
        if (health.UnreachableSeeds.Count > 0)
        {
            reasons.Add($"the leader cannot reach seed(s) {string.Join(", ", health.UnreachableSeeds)}");
        }

        if (health.LastFailure is { } recent && health.SinceFailure < options.RecentFailureWindow)
        {
            reasons.Add($"a membership table request ({recent.Operation}) failed {health.SinceFailure.TotalSeconds:0} s ago: {recent.Reason}");
        }

        return reasons.Count == 0
            ? HealthCheckResult.Healthy(health.Leader is { } l ? $"The seeds' leader is {l}." : "Membership table requests are answered.", data)
            : HealthCheckResult.Degraded(string.Join("; ", reasons) + ".", data: data);
    }
}

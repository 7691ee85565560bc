using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Partisan.Clustering;
using Orleans.Partisan.Clustering.Hosting;
using Orleans.Partisan.Clustering.TableService;

namespace Orleans.Partisan;

/// <summary>Registers the storage-free clustering's health check.</summary>
public static class PartisanClusteringHealthChecksBuilderExtensions
{
    /// <summary>The name the clustering health check is registered under unless another is given.</summary>
    public const string DefaultName = "partisan-clustering";

    /// <summary>
    /// Adds the storage-free clustering's health check (see <see cref="PartisanClusteringHealthCheckOptions"/>) to a silo's
    /// or client's services, which must also call <c>UsePartisanClustering</c>: Unhealthy when this silo's seed is not
    /// running or knows no leader, or the last table request found no seed leading a majority; Degraded with the reason
    /// when the leader cannot reach a seed or a table request failed recently; Healthy otherwise.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="configure">Sets the thresholds; they are validated here.</param>
    /// <param name="name">The check's name; default <see cref="DefaultName"/>.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public static IHealthChecksBuilder AddPartisanClustering(this IHealthChecksBuilder builder, Action<PartisanClusteringHealthCheckOptions>? configure = null, string name = DefaultName, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var options = new PartisanClusteringHealthCheckOptions();
        configure?.Invoke(options);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException("Invalid PartisanClusteringHealthCheckOptions: " + string.Join(" ", errors), nameof(configure));
        }

        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new ClusteringHealthCheck(sp.GetRequiredService<SeedClient>(), sp.GetService<LocalSeed>()?.Node, options),
            failureStatus: null,
            tags));
    }
}

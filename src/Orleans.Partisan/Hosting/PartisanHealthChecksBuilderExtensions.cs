using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Partisan.Hosting;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan;

/// <summary>Registers the overlay's health check.</summary>
public static class PartisanHealthChecksBuilderExtensions
{
    /// <summary>The name the overlay's health check is registered under unless another is given.</summary>
    public const string DefaultName = "partisan";

    /// <summary>
    /// Adds the overlay's health check (see <see cref="PartisanHealthCheckOptions"/>) to a silo's services, which
    /// must also call <c>AddPartisan</c>: Unhealthy when the node is not running or reaches none of its members,
    /// Degraded with the reason when it reaches only some, when HyParView's active view is short or a send queue is
    /// nearly full, Healthy otherwise.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="configure">Sets the thresholds; they are validated here.</param>
    /// <param name="name">The check's name; default <see cref="DefaultName"/>.</param>
    /// <param name="tags">Tags to filter checks by (for instance a readiness probe's).</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public static IHealthChecksBuilder AddPartisan(this IHealthChecksBuilder builder, Action<PartisanHealthCheckOptions>? configure = null, string name = DefaultName, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var options = new PartisanHealthCheckOptions();
        configure?.Invoke(options);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException("Invalid PartisanHealthCheckOptions: " + string.Join(" ", errors), nameof(configure));
        }

        return builder.Add(new HealthCheckRegistration(name, sp => new OverlayHealthCheck(sp.GetRequiredService<PartisanNode>(), options), failureStatus: null, tags));
    }
}

using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Orleans.Partisan.Testing;

/// <summary>Adds fault injection to a silo's overlay, and reaches every silo's rules from a test cluster.</summary>
public static class PartisanFaultInjectionExtensions
{
    /// <summary>
    /// Registers a <see cref="Orleans.Partisan.Testing.PartisanFaults"/> rule set in the silo's services as the overlay's
    /// <see cref="IPartisanInterposer"/>. With no rules, messages go through unchanged. Idempotent.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another <see cref="IPartisanInterposer"/> is registered; the overlay consults only one.</exception>
    public static ISiloBuilder AddPartisanFaultInjection(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(s => s.ServiceType == typeof(PartisanFaults)))
        {
            return builder;
        }

        if (services.Any(s => s.ServiceType == typeof(IPartisanInterposer)))
        {
            throw new InvalidOperationException($"Another {nameof(IPartisanInterposer)} is registered; the overlay consults only one, so fault injection cannot be added.");
        }

        services.AddSingleton<PartisanFaults>();
        services.AddSingleton<IPartisanInterposer>(sp => sp.GetRequiredService<PartisanFaults>());
        return builder;
    }

    /// <summary>This silo's rule set; the silo must be configured with <see cref="AddPartisanFaultInjection"/>.</summary>
    /// <param name="siloServices">The silo's service provider (e.g. <c>cluster.GetSiloServiceProvider(silo.SiloAddress)</c>).</param>
    public static PartisanFaults GetPartisanFaults(this IServiceProvider siloServices)
    {
        ArgumentNullException.ThrowIfNull(siloServices);
        return siloServices.GetService<PartisanFaults>()
            ?? throw new InvalidOperationException("This silo has no fault injection: add AddPartisanFaultInjection() to its configuration.");
    }

    /// <summary>Rules applied to every active silo of <paramref name="cluster"/> (see <see cref="PartisanClusterFaults"/>).</summary>
    public static PartisanClusterFaults PartisanFaults(this InProcessTestCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return new PartisanClusterFaults(() => cluster.GetActiveSilos().Select(s => cluster.GetSiloServiceProvider(s.SiloAddress)));
    }

    /// <summary>Rules applied to every active silo of <paramref name="cluster"/> (see <see cref="PartisanClusterFaults"/>); its silos must run in this process.</summary>
    /// <exception cref="InvalidOperationException">A silo runs in another process.</exception>
    public static PartisanClusterFaults PartisanFaults(this TestCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return new PartisanClusterFaults(() => cluster.GetActiveSilos().Select(s => s is InProcessSiloHandle
            ? cluster.GetSiloServiceProvider(s.SiloAddress)
            : throw new InvalidOperationException($"Silo {s.SiloAddress} runs in another process; fault rules can only reach silos in this process.")));
    }
}

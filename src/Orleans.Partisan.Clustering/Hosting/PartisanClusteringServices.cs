using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Partisan.Clustering.Membership;
using Orleans.Partisan.Clustering.TableService;
using Orleans.Serialization;

namespace Orleans.Partisan.Clustering.Hosting;

/// <summary>Service registrations shared by the silo and client builder extensions.</summary>
internal static class PartisanClusteringServices
{
    /// <summary>Registers the options validator, the seed client and the membership table handle.</summary>
    public static IServiceCollection AddPartisanClusteringCore(this IServiceCollection services)
    {
        services.AddOptions<PartisanClusteringOptions>();
        services.AddSingleton<IConfigurationValidator, PartisanClusteringOptionsValidator>();
        services.TryAddSingleton(sp => new SeedClient(
            sp.GetRequiredService<IOptions<PartisanClusteringOptions>>().Value,
            sp.GetRequiredService<Serializer>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<SeedClient>(),
            Tls(sp)));
        services.TryAddSingleton(sp => new PartisanMembershipTable(
            sp.GetRequiredService<SeedClient>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId,
            sp.GetService<LocalSeed>()?.Node,
            sp.GetRequiredService<IOptions<PartisanClusteringOptions>>().Value.StartupTimeout));
        return services;
    }

    /// <summary>Silo services: the local seed (when this silo is one), the membership table and its bounds at shutdown.</summary>
    public static IServiceCollection AddPartisanClusteringSilo(this IServiceCollection services)
    {
        services.AddPartisanClusteringCore();
        services.TryAddSingleton<LocalSeed>();
        services.AddSingleton<ILifecycleParticipant<Orleans.Runtime.ISiloLifecycle>>(sp => sp.GetRequiredService<LocalSeed>());
        services.TryAddSingleton<TableShutdown>();
        services.AddSingleton<ILifecycleParticipant<Orleans.Runtime.ISiloLifecycle>>(sp => sp.GetRequiredService<TableShutdown>());
        services.AddSingleton<IMembershipTable>(sp => sp.GetRequiredService<PartisanMembershipTable>());
        return services;
    }

    /// <summary>Client services: the gateway list read from the seeds.</summary>
    public static IServiceCollection AddPartisanClusteringClient(this IServiceCollection services)
    {
        services.AddPartisanClusteringCore();
        services.AddSingleton<IGatewayListProvider, PartisanGatewayListProvider>();
        return services;
    }

    /// <summary>The TLS options of the links to and between the seeds, when <c>UsePartisanTls</c> turned TLS on.</summary>
    public static PartisanTlsOptions? Tls(IServiceProvider services)
        => services.GetRequiredService<IOptions<PartisanTlsOptions>>().Value is { Enabled: true } tls ? tls : null;
}

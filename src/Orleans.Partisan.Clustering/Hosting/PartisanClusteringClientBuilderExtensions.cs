using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Partisan.Clustering;
using Orleans.Partisan.Clustering.Hosting;

namespace Orleans.Partisan;

/// <summary>Selects storage-free clustering for a client: its gateway list is read from the seed silos' membership table.</summary>
public static class PartisanClusteringClientBuilderExtensions
{
    /// <summary>Reads gateways from the seeds' membership table. Set <see cref="PartisanClusteringOptions.Seeds"/> as on the silos.</summary>
    public static IClientBuilder UsePartisanClustering(this IClientBuilder builder, Action<PartisanClusteringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UsePartisanClustering(o => o.Configure(configure));
    }

    /// <summary>Reads gateways from the seeds' membership table, with options from an options builder.</summary>
    public static IClientBuilder UsePartisanClustering(this IClientBuilder builder, Action<OptionsBuilder<PartisanClusteringOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        configure(builder.Services.AddOptions<PartisanClusteringOptions>());
        builder.Services.AddPartisanClusteringClient();
        return builder;
    }
}

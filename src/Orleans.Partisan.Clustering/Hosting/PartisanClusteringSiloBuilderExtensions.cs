using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Partisan.Clustering;
using Orleans.Partisan.Clustering.Hosting;

namespace Orleans.Partisan;

/// <summary>Selects storage-free clustering for a silo: the membership table lives in the seed silos' Raft group.</summary>
public static class PartisanClusteringSiloBuilderExtensions
{
    /// <summary>
    /// Uses the seeds' Raft group as this silo's membership table. Set <see cref="PartisanClusteringOptions.Seeds"/>
    /// on every silo and <see cref="PartisanClusteringOptions.ConsensusEndpoint"/> on the seeds.
    /// </summary>
    public static ISiloBuilder UsePartisanClustering(this ISiloBuilder builder, Action<PartisanClusteringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UsePartisanClustering(o => o.Configure(configure));
    }

    /// <summary>Uses the seeds' Raft group as this silo's membership table, with options from an options builder (configuration binding, validation).</summary>
    public static ISiloBuilder UsePartisanClustering(this ISiloBuilder builder, Action<OptionsBuilder<PartisanClusteringOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        configure(builder.Services.AddOptions<PartisanClusteringOptions>());
        builder.Services.AddPartisanClusteringSilo();
        return builder;
    }
}

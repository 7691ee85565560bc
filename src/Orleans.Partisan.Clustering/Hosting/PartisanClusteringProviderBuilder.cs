using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Partisan.Clustering.Hosting;
using Orleans.Providers;

[assembly: RegisterProvider(PartisanClusteringProviderBuilder.ProviderType, "Clustering", "Silo", typeof(PartisanClusteringProviderBuilder))]
[assembly: RegisterProvider(PartisanClusteringProviderBuilder.ProviderType, "Clustering", "Client", typeof(PartisanClusteringProviderBuilder))]

namespace Orleans.Partisan.Clustering.Hosting;

/// <summary>
/// Lets configuration alone select this provider: <c>Orleans:Clustering:ProviderType = "Partisan"</c>, with
/// <see cref="PartisanClusteringOptions"/> bound from the same section (<c>Orleans:Clustering:Seeds:0</c>,
/// <c>Orleans:Clustering:ConsensusEndpoint</c>, …).
/// </summary>
internal sealed class PartisanClusteringProviderBuilder : IProviderBuilder<ISiloBuilder>, IProviderBuilder<IClientBuilder>
{
    /// <summary>The value of <c>Orleans:Clustering:ProviderType</c> that selects this provider.</summary>
    public const string ProviderType = "Partisan";

    /// <inheritdoc/>
    public void Configure(ISiloBuilder builder, string? name, IConfigurationSection configurationSection)
        => builder.UsePartisanClustering(o => o.Bind(configurationSection));

    /// <inheritdoc/>
    public void Configure(IClientBuilder builder, string? name, IConfigurationSection configurationSection)
        => builder.UsePartisanClustering(o => o.Bind(configurationSection));
}

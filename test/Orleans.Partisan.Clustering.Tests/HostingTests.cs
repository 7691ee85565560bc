using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Messaging;
using Orleans.Partisan.Clustering.Membership;

namespace Orleans.Partisan.Clustering.Tests;

public sealed class HostingTests
{
    private static Dictionary<string, string?> Configuration(string? consensusEndpoint) => new()
    {
        ["Orleans:ClusterId"] = "config-cluster",
        ["Orleans:ServiceId"] = "config-service",
        ["Orleans:Clustering:ProviderType"] = "Partisan",
        ["Orleans:Clustering:Seeds:0"] = "127.0.0.1:15000",
        ["Orleans:Clustering:Seeds:1"] = "127.0.0.1:15010",
        ["Orleans:Clustering:Seeds:2"] = "127.0.0.1:15020",
        ["Orleans:Clustering:ConsensusEndpoint"] = consensusEndpoint,
        ["Orleans:Clustering:RequestTimeout"] = "00:00:07",
    };

    [Fact]
    public void ProviderType_FromConfigurationAlone_SelectsPartisanClusteringOnSilo()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Configuration("127.0.0.1:15010"));
        builder.UseOrleans(_ => { });
        using var host = builder.Build();

        Assert.IsType<PartisanMembershipTable>(host.Services.GetRequiredService<IMembershipTable>());
        var options = host.Services.GetRequiredService<IOptions<PartisanClusteringOptions>>().Value;
        Assert.Equal(["127.0.0.1:15000", "127.0.0.1:15010", "127.0.0.1:15020"], options.Seeds);
        Assert.Equal("127.0.0.1:15010", options.ConsensusEndpoint);
        Assert.Equal(TimeSpan.FromSeconds(7), options.RequestTimeout);
        Assert.NotNull(host.Services.GetRequiredService<Hosting.LocalSeed>().Node);
    }

    [Fact]
    public void ProviderType_FromConfigurationAlone_SelectsPartisanGatewaysOnClient()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Configuration(consensusEndpoint: null));
        builder.UseOrleansClient(_ => { });
        using var host = builder.Build();

        Assert.IsType<PartisanGatewayListProvider>(host.Services.GetRequiredService<IGatewayListProvider>());
        Assert.Equal(3, host.Services.GetRequiredService<IOptions<PartisanClusteringOptions>>().Value.Seeds.Count);
    }

    [Fact]
    public void Seeds_FromCommandLineText_SelectThisSiloAsSeed()
    {
        // A silo builder's options take an array split from text (this once failed to compile, naming the client overload).
        var args = "127.0.0.1:15000,127.0.0.1:15010";
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.UsePartisanClustering(o =>
        {
            o.Seeds = args.Split(',');
            o.ConsensusEndpoint = "127.0.0.1:15010";
        }));
        using var host = builder.Build();

        Assert.Equal(["127.0.0.1:15000", "127.0.0.1:15010"], host.Services.GetRequiredService<IOptions<PartisanClusteringOptions>>().Value.Seeds);
        Assert.NotNull(host.Services.GetRequiredService<Hosting.LocalSeed>().Node);
    }

    [Fact]
    public void NonSeedSilo_RunsNoSeed()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.UsePartisanClustering(o =>
        {
            o.Seeds = ["127.0.0.1:15000"];
            o.ConsensusEndpoint = "127.0.0.1:16000";
        }));
        using var host = builder.Build();

        Assert.Null(host.Services.GetRequiredService<Hosting.LocalSeed>().Node);
        Assert.IsType<PartisanMembershipTable>(host.Services.GetRequiredService<IMembershipTable>());
    }

    [Fact]
    public async Task InvalidOptions_FailSiloStartNamingTheOption()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.UsePartisanClustering(o => o.Seeds = ["not-an-endpoint"]));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OrleansConfigurationException>(() => host.StartAsync());
        Assert.Contains("Seeds[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidOptions_FailClientStartNamingTheOption()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client => client.UsePartisanClustering(o => o.Seeds = []));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OrleansConfigurationException>(() => host.StartAsync());
        Assert.Contains("Seeds must list at least one", error.Message, StringComparison.Ordinal);
    }
}

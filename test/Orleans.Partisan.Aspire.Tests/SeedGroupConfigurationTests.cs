using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Orleans.Partisan.Aspire.Hosting;

namespace Orleans.Partisan.Aspire.Tests;

/// <summary>What <c>AddPartisanClustering</c>, <c>WithPartisanSeed</c> and <c>WithClustering(group)</c> emit, on models built here.</summary>
public sealed class SeedGroupConfigurationTests
{
    [Fact]
    public async Task EverySiloAndClient_GetsTheProviderTypeTheSeedsInOrderAndTheOffset()
    {
        var app = new Model(seeds: 3);

        foreach (var resource in app.Seeds.Append(app.Silo).Append(app.Client))
        {
            var environment = await AppHostEnvironment.OfAsync(resource);

            Assert.Equal("Partisan", environment["Orleans__Clustering__ProviderType"]);
            Assert.Equal(["localhost:11200", "localhost:11202", "localhost:11204"], AppHostEnvironment.Seeds(environment));
            Assert.Equal("1", environment["Orleans__Clustering__ServicePortOffset"]);
        }
    }

    [Fact]
    public async Task OnlyEachSeed_GetsItsOwnConsensusEndpoint()
    {
        var app = new Model(seeds: 3);

        for (var i = 0; i < 3; i++)
        {
            var environment = await AppHostEnvironment.OfAsync(app.Seeds[i]);
            Assert.Equal($"localhost:{11200 + (2 * i)}", environment["Orleans__Clustering__ConsensusEndpoint"]);
            Assert.DoesNotContain("Orleans__Clustering__DataDirectory", environment.Keys);
        }

        Assert.DoesNotContain("Orleans__Clustering__ConsensusEndpoint", (await AppHostEnvironment.OfAsync(app.Silo)).Keys);
        Assert.DoesNotContain("Orleans__Clustering__ConsensusEndpoint", (await AppHostEnvironment.OfAsync(app.Client)).Keys);
    }

    [Fact]
    public async Task TheEmittedConfiguration_BindsToPartisanClusteringOptions_MakingEachSeedASeed()
    {
        var app = new Model(seeds: 3, dataDirectory: Path.Combine(Path.GetTempPath(), "membership"));

        var seed = AppHostEnvironment.BindClusteringOptions(await AppHostEnvironment.OfAsync(app.Seeds[1]));
        var silo = AppHostEnvironment.BindClusteringOptions(await AppHostEnvironment.OfAsync(app.Silo));

        Assert.Equal(["localhost:11200", "localhost:11202", "localhost:11204"], seed.Seeds);
        Assert.Equal("localhost:11202", seed.ConsensusEndpoint);
        Assert.Contains(seed.ConsensusEndpoint, seed.Seeds);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "membership", "seed1"), seed.DataDirectory);
        Assert.Equal(1, seed.ServicePortOffset);
        Assert.Equal(seed.Seeds, silo.Seeds);
        Assert.Null(silo.ConsensusEndpoint);
        Assert.Null(silo.DataDirectory);
    }

    [Fact]
    public async Task InAManifest_TheSeedsAreTheSeedsEndpointExpressions()
    {
        var app = new Model(seeds: 2, allocate: false);

        var environment = await AppHostEnvironment.OfAsync(app.Seeds[1], DistributedApplicationOperation.Publish);

        Assert.Equal(
            ["{seed0.bindings.consensus.host}:{seed0.bindings.consensus.port}", "{seed1.bindings.consensus.host}:{seed1.bindings.consensus.port}"],
            AppHostEnvironment.Seeds(environment));
        Assert.Equal("{seed1.bindings.consensus.host}:{seed1.bindings.consensus.port}", environment["Orleans__Clustering__ConsensusEndpoint"]);
    }

    [Fact]
    public void ASeed_HasNonProxiedTcpEndpointsOnItsConsensusPortAndThePortAbove()
    {
        var app = new Model(seeds: 2, allocate: false);

        var endpoints = app.Seeds[1].Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name);

        Assert.Equal((11202, 11202, false, "tcp"), Describe(endpoints[PartisanSeedGroup.ConsensusEndpointName]));
        Assert.Equal((11203, 11203, false, "tcp"), Describe(endpoints[PartisanSeedGroup.TableServiceEndpointName]));
        Assert.DoesNotContain(app.Silo.Annotations.OfType<EndpointAnnotation>(), e => e.Name == PartisanSeedGroup.ConsensusEndpointName);

        static (int?, int?, bool, string) Describe(EndpointAnnotation e) => (e.Port, e.TargetPort, e.IsProxied, e.UriScheme);
    }

    [Fact]
    public async Task ABasePortAndAPortOfItsOwn_PlaceTheSeeds()
    {
        var builder = NewBuilder();
        var membership = builder.AddPartisanClustering(basePort: 12000);
        var orleans = builder.AddOrleans("cluster").WithClustering(membership);
        builder.AddExecutable("a", "dotnet", ".").WithPartisanSeed(membership).WithReference(orleans);
        builder.AddExecutable("b", "dotnet", ".").WithPartisanSeed(membership, port: 13000).WithReference(orleans);
        var c = builder.AddExecutable("c", "dotnet", ".").WithPartisanSeed(membership).WithReference(orleans);
        AppHostEnvironment.AllocateEndpoints(builder.Resources);

        var environment = await AppHostEnvironment.OfAsync(c.Resource);

        Assert.Equal(["localhost:12000", "localhost:13000", "localhost:12004"], AppHostEnvironment.Seeds(environment));
        Assert.Equal("localhost:12004", environment["Orleans__Clustering__ConsensusEndpoint"]);
        Assert.Equal(["a", "b", "c"], membership.Seeds.Select(s => s.Name));
    }

    [Fact]
    public async Task AGroupWithNoSeed_FailsNamingWithPartisanSeed()
    {
        var builder = NewBuilder();
        var orleans = builder.AddOrleans("cluster").WithClustering(builder.AddPartisanClustering());
        var silo = builder.AddExecutable("silo", "dotnet", ".").WithReference(orleans);
        AppHostEnvironment.AllocateEndpoints(builder.Resources);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => AppHostEnvironment.OfAsync(silo.Resource));

        Assert.Contains("has no seed", Flatten(error), StringComparison.Ordinal);
        Assert.Contains("WithPartisanSeed", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReplicatedSeed_FailsNamingTheSeedAndItsReplicas()
    {
        var builder = NewBuilder();
        var membership = builder.AddPartisanClustering();
        var orleans = builder.AddOrleans("cluster").WithClustering(membership);
        var seed = builder.AddExecutable("seed0", "dotnet", ".").WithPartisanSeed(membership).WithReference(orleans);
        seed.WithAnnotation(new ReplicaAnnotation(3));
        AppHostEnvironment.AllocateEndpoints(builder.Resources);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => AppHostEnvironment.OfAsync(seed.Resource));

        Assert.Contains("'seed0' has 3 replicas", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeedsWhosePortsOverlap_FailNamingBoth()
    {
        var builder = NewBuilder();
        var membership = builder.AddPartisanClustering();
        var orleans = builder.AddOrleans("cluster").WithClustering(membership);
        builder.AddExecutable("a", "dotnet", ".").WithPartisanSeed(membership, port: 12000).WithReference(orleans);
        var b = builder.AddExecutable("b", "dotnet", ".").WithPartisanSeed(membership, port: 12001).WithReference(orleans);
        AppHostEnvironment.AllocateEndpoints(builder.Resources);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => AppHostEnvironment.OfAsync(b.Resource));

        Assert.Contains("'a' and 'b' both listen on port 12001", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public void OneResourceMadeASeedTwice_Throws()
    {
        var builder = NewBuilder();
        var membership = builder.AddPartisanClustering();
        var seed = builder.AddExecutable("seed0", "dotnet", ".").WithPartisanSeed(membership);

        var error = Assert.ThrowsAny<Exception>(() => seed.WithPartisanSeed(membership, port: 12000));

        Assert.Contains("'seed0' is already a seed", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65535)]
    public void ABasePortOutOfRange_Throws(int basePort)
        => Assert.Throws<ArgumentOutOfRangeException>(() => NewBuilder().AddPartisanClustering(basePort));

    [Fact]
    public void ABasePortAtTheTop_TakesTheLastTwoPortsAndRefusesASecondSeed()
    {
        var builder = NewBuilder();
        var membership = builder.AddPartisanClustering(basePort: 65534);
        var first = builder.AddExecutable("a", "dotnet", ".").WithPartisanSeed(membership);

        Assert.Equal([65534, 65535], first.Resource.Annotations.OfType<EndpointAnnotation>().Select(e => e.Port ?? 0).Order());
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddExecutable("b", "dotnet", ".").WithPartisanSeed(membership));
    }

    private static IDistributedApplicationBuilder NewBuilder()
        => DistributedApplication.CreateBuilder(new DistributedApplicationOptions { DisableDashboard = true });

    private static string Flatten(Exception error) => error is AggregateException all
        ? string.Join("\n", all.Flatten().InnerExceptions.Select(e => e.Message))
        : error.Message;

    /// <summary>N seeds, a silo resource with two replicas and a client, all of one Orleans resource clustered by one group.</summary>
    private sealed class Model
    {
        public Model(int seeds, string? dataDirectory = null, bool allocate = true)
        {
            var builder = NewBuilder();
            var membership = builder.AddPartisanClustering();
            if (dataDirectory is not null)
            {
                membership.WithDataDirectory(dataDirectory);
            }

            var orleans = builder.AddOrleans("cluster").WithClustering(membership);
            Seeds = [.. Enumerable.Range(0, seeds).Select(i => builder.AddExecutable($"seed{i}", "dotnet", ".").WithPartisanSeed(membership).WithReference(orleans).Resource)];
            Silo = builder.AddExecutable("silo", "dotnet", ".").WithAnnotation(new ReplicaAnnotation(2)).WithReference(orleans).Resource;
            Client = builder.AddExecutable("client", "dotnet", ".").WithReference(orleans.AsClient()).Resource;
            if (allocate)
            {
                AppHostEnvironment.AllocateEndpoints(builder.Resources);
            }
        }

        public IReadOnlyList<IResource> Seeds { get; }

        public IResource Silo { get; }

        public IResource Client { get; }
    }
}

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Partisan.Clustering;

namespace Orleans.Partisan.Aspire.Tests;

/// <summary>Evaluates the environment an app host model gives a resource, as Aspire does before starting it or writing its manifest.</summary>
internal static class AppHostEnvironment
{
    /// <summary>
    /// Gives every endpoint of the model the address the orchestrator would: <c>localhost</c> and the endpoint's fixed port,
    /// or, for a proxied endpoint without one, a port from <paramref name="firstFreePort"/> up.
    /// </summary>
    public static void AllocateEndpoints(IEnumerable<IResource> resources, int firstFreePort = 40000)
    {
        var next = firstFreePort;
        foreach (var endpoint in resources.SelectMany(r => r.Annotations.OfType<EndpointAnnotation>()))
        {
            endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "localhost", endpoint.Port ?? next++, targetPortExpression: "{{ .Port }}");
        }
    }

    /// <summary>The environment variables of <paramref name="resource"/> in <paramref name="operation"/>; throws what resolving them threw.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> OfAsync(IResource resource, DistributedApplicationOperation operation = DistributedApplicationOperation.Run)
    {
        var result = await ExecutionConfigurationBuilder.Create(resource)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(operation), NullLogger.Instance, CancellationToken.None);
        if (result.Exception is { } exception)
        {
            throw exception;
        }

        return result.EnvironmentVariables.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>The seeds listed in <paramref name="environment"/> (<c>Orleans__Clustering__Seeds__0</c>, <c>__1</c>…), in order.</summary>
    public static IReadOnlyList<string> Seeds(IReadOnlyDictionary<string, string> environment)
    {
        var seeds = new List<string>();
        for (var i = 0; environment.TryGetValue($"Orleans__Clustering__Seeds__{i}", out var seed); i++)
        {
            seeds.Add(seed);
        }

        Assert.Equal(seeds.Count, environment.Keys.Count(k => k.StartsWith("Orleans__Clustering__Seeds__", StringComparison.Ordinal)));
        return seeds;
    }

    /// <summary><see cref="PartisanClusteringOptions"/> bound from <paramref name="environment"/> as a silo's configuration binds them.</summary>
    public static PartisanClusteringOptions BindClusteringOptions(IReadOnlyDictionary<string, string> environment)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":", StringComparison.Ordinal), (string?)kv.Value)))
            .Build();
        var options = new PartisanClusteringOptions();
        configuration.GetSection("Orleans:Clustering").Bind(options);
        return options;
    }
}

using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Orleans.Partisan.Tests.Shared;

namespace Orleans.Partisan.Aspire.Tests;

/// <summary>samples/AspireCluster's app host: the configuration its model gives each resource, and the app run end to end.</summary>
public sealed class SampleAppHostTests
{
    private static readonly string[] SeedNames = ["seed0", "seed1", "seed2"];

    private static readonly string[] SeedEndpoints = ["localhost:11200", "localhost:11202", "localhost:11204"];

    [Fact]
    public async Task TheSampleAppHost_GivesSeedsSilosAndFrontendThePartisanConfiguration()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AspireCluster_AppHost>();
        AppHostEnvironment.AllocateEndpoints(builder.Resources);
        var byName = builder.Resources.ToDictionary(r => r.Name);

        for (var i = 0; i < SeedNames.Length; i++)
        {
            var seed = await AppHostEnvironment.OfAsync(byName[SeedNames[i]]);
            Assert.Equal("Partisan", seed["Orleans__Clustering__ProviderType"]);
            Assert.Equal(SeedEndpoints, AppHostEnvironment.Seeds(seed));
            Assert.Equal(SeedEndpoints[i], seed["Orleans__Clustering__ConsensusEndpoint"]);
        }

        foreach (var name in new[] { "silo", "frontend" })
        {
            var environment = await AppHostEnvironment.OfAsync(byName[name]);
            Assert.Equal("Partisan", environment["Orleans__Clustering__ProviderType"]);
            Assert.Equal(SeedEndpoints, AppHostEnvironment.Seeds(environment));
            Assert.DoesNotContain("Orleans__Clustering__ConsensusEndpoint", environment.Keys);
        }

        Assert.Equal(2, byName["silo"].Annotations.OfType<ReplicaAnnotation>().Single().Replicas);
        Assert.Contains("Orleans__Endpoints__SiloPort", (await AppHostEnvironment.OfAsync(byName["silo"])).Keys);
        Assert.DoesNotContain("Orleans__Endpoints__SiloPort", (await AppHostEnvironment.OfAsync(byName["frontend"])).Keys);
    }

    [Fact]
    public async Task TheSampleAppHost_Runs_AndAGrainCallThroughTheFrontendReachesTheCluster()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("partisan-aspire-");
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var basePort = SafePorts.TakeConsecutive(6); // three seeds, two ports each, reserved against every other test process
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AspireCluster_AppHost>(
                [$"Membership:DataDirectory={dataDirectory.FullName}", $"Membership:BasePort={basePort}"], timeout.Token);
            await using var app = await builder.BuildAsync(timeout.Token);
            await app.StartAsync(timeout.Token);
            await WaitAsync(RunningAsync(app, "frontend", timeout.Token), "the front end running");

            using var http = app.CreateHttpClient("frontend");
            http.Timeout = TimeSpan.FromSeconds(15); // one attempt; the front end answers only once its client has connected
            await WaitAsync(GetCounterAsync(http, "warm-up", timeout.Token), "a first grain call through the front end to succeed");

            // A fresh key, now that the cluster answers: attempts of the warm-up that timed out here may still have counted there.
            var first = await http.GetFromJsonAsync<Counter>("/counter/e2e", timeout.Token);
            var second = await http.GetFromJsonAsync<Counter>("/counter/e2e", timeout.Token);

            Assert.Equal(1, first!.Count);
            Assert.Equal(2, second!.Count);
            Assert.Equal(first.Silo, second.Silo);
            Assert.StartsWith("S", first.Silo, StringComparison.Ordinal);
            foreach (var seed in SeedNames)
            {
                Assert.True(Directory.Exists(Path.Combine(dataDirectory.FullName, seed)), $"seed {seed} kept no data under {dataDirectory.FullName}");
            }

            await app.StopAsync(timeout.Token);
        }
        finally
        {
            dataDirectory.Delete(recursive: true);
        }

        async Task<T> WaitAsync<T>(Task<T> task, string what)
        {
            try
            {
                return await task;
            }
            catch (OperationCanceledException e)
            {
                throw new TimeoutException($"Waited 5 minutes for {what}.", e);
            }
        }
    }

    private static async Task<bool> RunningAsync(DistributedApplication app, string resource, CancellationToken cancellationToken)
    {
        await app.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.Running, cancellationToken);
        return true;
    }

    /// <summary>Calls the counter until the cluster answers (the front end starts with the silos); bounded by <paramref name="cancellationToken"/>.</summary>
    private static async Task<Counter> GetCounterAsync(HttpClient http, string key, CancellationToken cancellationToken)
    {
        string? last = null;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync($"/counter/{key}", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return (await response.Content.ReadFromJsonAsync<Counter>(cancellationToken))!;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                last = e.Message; // this attempt's timeout
            }

            cancellationToken.ThrowIfCancellationRequested();
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException($"no successful answer from /counter/{key}; the last: {last}", null, cancellationToken);
            }
        }
    }

    private sealed record Counter(int Count, string Silo);
}

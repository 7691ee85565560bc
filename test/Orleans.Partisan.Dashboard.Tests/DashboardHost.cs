using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Testing;
using Orleans.TestingHost;
using ReplicatedKeyValue;

namespace Orleans.Partisan.Dashboard.Tests;

/// <summary>
/// An in-process test cluster whose silos run the overlay and the replicated key-value broadcast handler, and a web
/// application on 127.0.0.1 (a port the OS chooses) that maps the dashboard and reaches the cluster through its client.
/// </summary>
internal sealed class DashboardHost : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private DashboardHost(InProcessTestCluster cluster, WebApplication app, Uri page)
    {
        Cluster = cluster;
        App = app;
        Page = page;
        Http = new HttpClient { BaseAddress = page, Timeout = Timeout };
    }

    public InProcessTestCluster Cluster { get; }

    public WebApplication App { get; }

    /// <summary>The page's address, ending in a slash so that <c>state</c> and <c>events</c> resolve below it.</summary>
    public Uri Page { get; }

    public HttpClient Http { get; }

    public static async Task<DashboardHost> StartAsync(short silos, Action<PartisanOptions>? configure = null, Action<PartisanDashboardOptions>? dashboard = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.AddPartisan(configure);
        builder.ConfigureSilo((_, silo) => silo.AddPartisanBroadcastHandler<IReplicatedKeyValue>());
        var cluster = builder.Build();
        WebApplication? app = null;
        try
        {
            await cluster.DeployAsync();
            await cluster.WaitForPartisanConvergedAsync(Timeout);

            var web = WebApplication.CreateSlimBuilder();
            web.WebHost.UseUrls("http://127.0.0.1:0");
            web.Logging.ClearProviders();
            web.Services.AddSingleton<IGrainFactory>(cluster.Client);
            app = web.Build();
            app.MapPartisanDashboard("/partisan", dashboard);
            await app.StartAsync();
            var address = app.Urls.Single();
            return new DashboardHost(cluster, app, new Uri(new Uri(address), "/partisan/"));
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The silos' node names, sorted.</summary>
    public IReadOnlyList<string> NodeNames => [.. Cluster.GetActiveSilos().Select(s => s.SiloAddress.GetNodeName().Value).Order(StringComparer.Ordinal)];

    /// <summary>Broadcasts one write through the first silo, so that every silo has a tree rooted there; returns that root.</summary>
    public async Task<string> BroadcastAsync()
    {
        var via = Cluster.GetActiveSilos().First().SiloAddress;
        Assert.True(await Cluster.Client.BroadcastAsync<IReplicatedKeyValue>(via, new KeyValueWrite("colour", "red")), "the broadcast was not new at its origin");
        return via.GetNodeName().Value;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

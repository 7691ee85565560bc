using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Partisan.ProcessHost;

namespace Orleans.Partisan.ProcessTests;

/// <summary>Silos in processes of their own on loopback, and an Orleans client in the test process.</summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly List<SiloProcess> _silos = [];
    private readonly List<DirectoryInfo> _dataDirectories = [];
    private string[] _seeds = [];
    private IHost? _client;

    public IReadOnlyList<SiloProcess> Silos => _silos;

    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>() ?? throw new InvalidOperationException("No client started.");

    /// <summary>Starts <paramref name="count"/> silos with development clustering and waits until each is ready: the primary first, then the others together.</summary>
    public static async Task<ProcessCluster> StartDevelopmentAsync(int count, bool failureDetection)
    {
        var cluster = new ProcessCluster();
        var primaryPort = SiloProcess.FreePort();
        for (var i = 0; i < count; i++)
        {
            var settings = new Dictionary<string, string>
            {
                ["Clustering"] = "Development",
                ["PrimaryPort"] = primaryPort.ToString(),
                ["FailureDetection"] = failureDetection.ToString(),
                ["ClusterId"] = "process-tests",
            };
            var silo = SiloProcess.Start($"silo{i}", settings, siloPort: i == 0 ? primaryPort : null);
            cluster._silos.Add(silo);
            if (i == 0)
            {
                await silo.WaitReadyAsync(Timeout);
            }
        }

        await Task.WhenAll(cluster._silos.Select(s => s.WaitReadyAsync(Timeout)));
        return cluster;
    }

    /// <summary>
    /// Starts <paramref name="seeds"/> seed silos and then <paramref name="others"/> other silos with storage-free
    /// clustering (each seed with a fresh data directory), and waits until each is ready.
    /// </summary>
    public static async Task<ProcessCluster> StartPartisanAsync(int seeds, int others, bool failureDetection)
    {
        var cluster = new ProcessCluster();
        cluster._seeds = [.. Enumerable.Range(0, seeds).Select(_ => $"127.0.0.1:{SiloProcess.FreePortPair()}")];
        for (var i = 0; i < seeds + others; i++)
        {
            var settings = new Dictionary<string, string>
            {
                ["Clustering"] = "Partisan",
                ["Seeds"] = string.Join(",", cluster._seeds),
                ["FailureDetection"] = failureDetection.ToString(),
                ["ClusterId"] = "process-tests",
            };
            if (i < seeds)
            {
                var data = Directory.CreateTempSubdirectory("partisan-process-seed-");
                cluster._dataDirectories.Add(data);
                settings["ConsensusEndpoint"] = cluster._seeds[i];
                settings["DataDirectory"] = data.FullName;
            }

            cluster._silos.Add(SiloProcess.Start(i < seeds ? $"seed{i}" : $"silo{i}", settings));
        }

        await Task.WhenAll(cluster._silos.Select(s => s.WaitReadyAsync(Timeout)));
        return cluster;
    }

    /// <summary>Connects an Orleans client: through the seeds with storage-free clustering, else to every silo's gateway.</summary>
    public async Task ConnectClientAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client =>
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("process-tests", "process-tests"));
            if (_seeds.Length > 0)
            {
                client.UsePartisanClustering(o => o.Seeds = [.. _seeds]);
            }
            else
            {
                client.UseStaticClustering(_silos.Select(s => new IPEndPoint(IPAddress.Loopback, s.GatewayPort)).ToArray());
            }
        });
        _client = builder.Build();
        await _client.StartAsync();
    }

    /// <summary>Waits until every silo in <paramref name="observers"/> reports <paramref name="silo"/> with <paramref name="status"/>.</summary>
    public static Task WaitForStatusAsync(IEnumerable<SiloProcess> observers, SiloProcess silo, string status, TimeSpan timeout)
        => Task.WhenAll(observers.Select(o => o.WaitForLineAsync(l => l == $"STATUS {silo.SiloAddress} {status}", timeout, $"STATUS of {silo.Name} {status}")));

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync(CancellationToken.None);
            _client.Dispose();
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        foreach (var data in _dataDirectories)
        {
            data.Delete(recursive: true);
        }
    }
}

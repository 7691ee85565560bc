using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.ProcessHost;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Silo processes with storage-free clustering for the benchmark: the seeds, then other silos added one at a time
/// (each waited for until every silo already running sees it Active and connected on the overlay), and an Orleans
/// client in this process.
/// </summary>
internal sealed class SiloCluster : IAsyncDisposable
{
    /// <summary>How long silos may take to start on a loaded 2-core machine.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private const string ClusterId = "bench-silent";
    private readonly string[] _seeds;
    private readonly IReadOnlyDictionary<string, string> _common;
    private readonly List<SiloProcess> _all = [];
    private readonly List<DirectoryInfo> _data = [];
    private IHost? _client;

    private SiloCluster(string[] seeds, IReadOnlyDictionary<string, string> common)
    {
        _seeds = seeds;
        _common = common;
    }

    /// <summary>The silos started so far that have not exited.</summary>
    public IReadOnlyList<SiloProcess> Running => [.. _all.Where(s => !s.HasExited)];

    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>() ?? throw new InvalidOperationException("No client.");

    /// <summary>Starts <paramref name="seeds"/> seed silos with <paramref name="common"/> settings and waits until each is ready.</summary>
    public static async Task<SiloCluster> StartAsync(int seeds, IReadOnlyDictionary<string, string> common)
    {
        var cluster = new SiloCluster([.. Enumerable.Range(0, seeds).Select(_ => $"127.0.0.1:{SiloProcess.FreePortPair()}")], common);
        for (var i = 0; i < seeds; i++)
        {
            var data = Directory.CreateTempSubdirectory("partisan-bench-seed-");
            cluster._data.Add(data);
            cluster._all.Add(SiloProcess.Start($"seed{i}", cluster.Settings(new Dictionary<string, string>
            {
                ["ConsensusEndpoint"] = cluster._seeds[i],
                ["DataDirectory"] = data.FullName,
            })));
        }

        await Task.WhenAll(cluster._all.Select(s => s.WaitReadyAsync(StartTimeout)));
        return cluster;
    }

    /// <summary>
    /// Starts a silo that is not a seed, with <paramref name="extra"/> settings, and waits until it is ready and every
    /// other running silo reports it Active and has its overlay node up.
    /// </summary>
    public async Task<SiloProcess> AddAsync(string name, IReadOnlyDictionary<string, string>? extra = null)
    {
        var observers = Running;
        var silo = SiloProcess.Start(name, Settings(extra ?? new Dictionary<string, string>()));
        _all.Add(silo);
        await silo.WaitReadyAsync(StartTimeout);
        await Task.WhenAll(observers.Select(async o =>
        {
            await o.WaitForLineAsync(l => l == $"STATUS {silo.SiloAddress} Active", StartTimeout, $"{name} Active");
            await o.WaitForLineAsync(l => l == $"NODEUP {silo.SiloAddress}", StartTimeout, $"NODEUP of {name}");
        }));
        return silo;
    }

    /// <summary>Connects an Orleans client through the seeds.</summary>
    public async Task ConnectClientAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ClusterId));
            client.UsePartisanClustering(o => o.Seeds = [.. _seeds]);
        });
        _client = builder.Build();
        await _client.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync(CancellationToken.None);
            _client.Dispose();
        }

        foreach (var silo in _all)
        {
            await silo.DisposeAsync();
        }

        foreach (var data in _data)
        {
            data.Delete(recursive: true);
        }
    }

    private Dictionary<string, string> Settings(IReadOnlyDictionary<string, string> extra)
    {
        var settings = new Dictionary<string, string>(_common)
        {
            ["Clustering"] = "Partisan",
            ["Seeds"] = string.Join(",", _seeds),
            ["ClusterId"] = ClusterId,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}

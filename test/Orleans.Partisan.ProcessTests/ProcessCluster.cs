using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Partisan.ProcessHost;

namespace Orleans.Partisan.ProcessTests;

/// <summary>Silos in processes of their own on loopback, and an Orleans client in the test process.</summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long silos may take to start: five silo processes starting at once on a 2-core machine that other builds
    /// and tests share took over a minute at a load average of 60.
    /// </summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly List<SiloProcess> _silos = [];
    // In network namespaces every silo has an address of its own, so the ports can be the same.
    private const int SiloPort = 11111;
    private const int GatewayPort = 30000;
    private const int ConsensusPort = 11200;
    private readonly List<DirectoryInfo> _dataDirectories = [];
    private readonly List<Dictionary<string, string>> _settings = [];
    private NetworkNamespaces? _network;
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
                await silo.WaitReadyAsync(StartTimeout);
            }
        }

        await Task.WhenAll(cluster._silos.Select(s => s.WaitReadyAsync(StartTimeout)));
        return cluster;
    }

    /// <summary>
    /// Starts <paramref name="seeds"/> seed silos and then <paramref name="others"/> other silos with storage-free
    /// clustering (each seed with a fresh data directory), and waits until each is ready. With
    /// <paramref name="network"/>, silo i runs in that network's namespace i, on its address.
    /// </summary>
    /// <remarks>
    /// With <paramref name="tableRefresh"/>, silos re-read the table that often and vote against a silent silo
    /// without waiting for Orleans' one-minute connection-liveness window, so a partition is settled in seconds.
    /// </remarks>
    public static async Task<ProcessCluster> StartPartisanAsync(int seeds, int others, bool failureDetection, NetworkNamespaces? network = null, TimeSpan? tableRefresh = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        var cluster = new ProcessCluster { _network = network };
        cluster._seeds = [.. Enumerable.Range(0, seeds).Select(i => network is null ? $"127.0.0.1:{SiloProcess.FreePortPair()}" : $"{network.Address(i)}:{ConsensusPort}")];
        for (var i = 0; i < seeds + others; i++)
        {
            var settings = new Dictionary<string, string>
            {
                ["Clustering"] = "Partisan",
                ["Seeds"] = string.Join(",", cluster._seeds),
                ["FailureDetection"] = failureDetection.ToString(),
                ["ClusterId"] = "process-tests",
            };
            if (network is not null)
            {
                settings["Address"] = network.Address(i);
            }

            if (tableRefresh is { } refresh)
            {
                settings["TableRefreshTimeout"] = refresh.ToString();
                settings["ConnectionLivenessCheck"] = "false";
            }

            foreach (var (key, value) in extra ?? new Dictionary<string, string>())
            {
                settings[key] = value;
            }

            if (i < seeds)
            {
                var data = Directory.CreateTempSubdirectory("partisan-process-seed-");
                cluster._dataDirectories.Add(data);
                settings["ConsensusEndpoint"] = cluster._seeds[i];
                settings["DataDirectory"] = data.FullName;
            }

            cluster._settings.Add(settings);
            cluster._silos.Add(cluster.Launch(i));
        }

        await Task.WhenAll(cluster._silos.Select(s => s.WaitReadyAsync(StartTimeout)));
        return cluster;
    }

    /// <summary>Starts silo <paramref name="index"/> again with its settings (a seed with its data directory), in place of the old process.</summary>
    public async Task<SiloProcess> RestartAsync(int index)
    {
        await _silos[index].DisposeAsync();
        _silos[index] = Launch(index);
        await _silos[index].WaitReadyAsync(StartTimeout);
        return _silos[index];
    }

    private SiloProcess Launch(int index)
    {
        var name = index < _seeds.Length ? $"seed{index}" : $"silo{index}";
        return _network is null
            ? SiloProcess.Start(name, _settings[index])
            : SiloProcess.Start(name, _settings[index], SiloPort, GatewayPort, _network.Namespace(index));
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

    /// <summary>
    /// Calls <paramref name="call"/> until it succeeds, for at most <see cref="Timeout"/>: a client's gateway list
    /// may still name a silo that is gone. Fails naming <paramref name="expected"/> and the last error.
    /// </summary>
    public static async Task<T> CallAsync<T>(Func<Task<T>> call, string expected)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception exception) when (exception is SiloUnavailableException or OrleansException or TimeoutException)
            {
                if (deadline.IsCancellationRequested)
                {
                    throw new TimeoutException($"No {expected} within {Timeout}; last error: {exception.Message}", exception);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
            }
        }
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

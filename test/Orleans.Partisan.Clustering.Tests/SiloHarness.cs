using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Partisan.Tests.Shared;

namespace Orleans.Partisan.Clustering.Tests;

/// <summary>
/// Orleans silos as in-process hosts on loopback with storage-free clustering and no other clustering: the first
/// <c>seedCount</c> are seeds; each silo keeps its ports and data directory across a restart.
/// </summary>
internal sealed class SiloHarness : IAsyncDisposable
{
    private readonly string _clusterId = "harness-" + Guid.NewGuid().ToString("N");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "partisan-clustering-silos", Guid.NewGuid().ToString("N"));
    private readonly int[] _consensusPorts;
    private readonly int[] _siloPorts;
    private readonly IHost?[] _silos;
    private readonly List<string> _seeds;

    private readonly Action<int, ISiloBuilder>? _configure;

    /// <summary>A harness of <paramref name="seedCount"/> seeds and <paramref name="otherCount"/> other silos; <paramref name="configure"/> adds to silo <c>i</c>'s configuration.</summary>
    public SiloHarness(int seedCount, int otherCount, Action<int, ISiloBuilder>? configure = null)
    {
        _configure = configure;
        var count = seedCount + otherCount;
        _consensusPorts = SafePorts.TakePairs(seedCount);
        _siloPorts = SafePorts.TakePairs(count);
        _seeds = [.. _consensusPorts.Select(p => $"127.0.0.1:{p}")];
        _silos = new IHost?[count];
    }

    /// <summary>The running silos' hosts (null for a stopped one).</summary>
    public IReadOnlyList<IHost?> Silos => _silos;

    /// <summary>Starts every silo concurrently (seeds need a majority of seeds to start).</summary>
    public Task StartAllAsync() => Task.WhenAll(Enumerable.Range(0, _silos.Length).Select(StartAsync));

    /// <summary>Starts (or restarts) silo <paramref name="index"/> on its ports, with its data directory.</summary>
    public async Task StartAsync(int index)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => { o.ClusterId = _clusterId; o.ServiceId = "harness"; });
            silo.ConfigureEndpoints(IPAddress.Loopback, _siloPorts[index], _siloPorts[index] + 1);
            silo.UsePartisanClustering(o =>
            {
                o.Seeds = _seeds;
                o.ConsensusEndpoint = index < _consensusPorts.Length ? _seeds[index] : null;
                o.DataDirectory = Path.Combine(_root, $"silo{index}");
            });
            _configure?.Invoke(index, silo);
        });
        var host = builder.Build();
        _silos[index] = host;
        await host.StartAsync();
    }

    /// <summary>Stops silo <paramref name="index"/> (a graceful Orleans shutdown), then disposes it, which stops its seed.</summary>
    public async Task StopAsync(int index)
    {
        var host = _silos[index] ?? throw new InvalidOperationException($"silo {index} is not running");
        _silos[index] = null;
        await host.StopAsync();
        host.Dispose();
    }

    /// <summary>The silo address of running silo <paramref name="index"/>.</summary>
    public SiloAddress AddressOf(int index) => _silos[index]!.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <summary>A started client that finds gateways through the seeds; <paramref name="configure"/> adds to its configuration.</summary>
    public async Task<IHost> StartClientAsync(Action<IClientBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = _clusterId; o.ServiceId = "harness"; });
            client.UsePartisanClustering(o => o.Seeds = _seeds);
            configure?.Invoke(client);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        // Every silo stops (records its shutdown) while every seed still serves the table; the seeds stop when
        // their hosts are disposed afterwards.
        var running = _silos.Where(s => s is not null).Select(s => s!).ToList();
        Array.Clear(_silos);
        await Task.WhenAll(running.Select(s => s.StopAsync()));
        foreach (var host in running)
        {
            host.Dispose();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the OS: the temporary directory is cleaned by the OS later.
        }
    }
}

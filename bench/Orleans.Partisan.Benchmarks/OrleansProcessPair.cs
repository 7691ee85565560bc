using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Partisan.ProcessHost;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Issue 14's Orleans one-way baseline as users run it: two silos in two processes over loopback TCP. Silo A is
/// hosted in this process and sends; silo B is a <see cref="SiloProcess"/> (development clustering, its own silo as
/// primary) holding an <see cref="IOneWaySinkGrain"/> pinned to it, which reports arrivals to an observer here.
/// </summary>
internal sealed class OrleansProcessPair : IAsyncDisposable, IArrivalObserver
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly SiloProcess _remote;
    private readonly IHost _host;
    private readonly IArrivalObserver _observer;

    private OrleansProcessPair(SiloProcess remote, IHost host, IOneWaySinkGrain grain)
    {
        _remote = remote;
        _host = host;
        Grain = grain;
        _observer = host.Services.GetRequiredService<IGrainFactory>().CreateObjectReference<IArrivalObserver>(this);
    }

    /// <summary>The sink grain on silo B, called from silo A.</summary>
    public IOneWaySinkGrain Grain { get; }

    /// <summary>Arrivals at the sink grain, as it reports them.</summary>
    public ArrivalCounter Counter { get; } = new();

    /// <summary>Silo B's process CPU time so far (all threads, user and system).</summary>
    public TimeSpan RemoteCpu
    {
        get
        {
            using var remote = Process.GetProcessById(_remote.ProcessId);
            return remote.TotalProcessorTime;
        }
    }

    public static async Task<OrleansProcessPair> StartAsync()
    {
        var primaryPort = SiloProcess.FreePort();
        var remote = SiloProcess.Start("silo B", new Dictionary<string, string>
        {
            ["Clustering"] = "Development",
            ["PrimaryPort"] = primaryPort.ToString(Report.Culture),
            ["ClusterId"] = "bench-oneway",
        }, siloPort: primaryPort);
        IHost? host = null;
        try
        {
            await remote.WaitReadyAsync(Timeout);
            host = StartLocalSilo(primaryPort);
            await host.StartAsync().WaitAsync(Timeout);
            var grain = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IOneWaySinkGrain>(remote.SiloAddress!);
            var pair = new OrleansProcessPair(remote, host, grain);
            await pair.ArmAsync(1); // activates the grain on silo B (or fails here if it cannot be placed there)
            return pair;
        }
        catch
        {
            host?.Dispose();
            await remote.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a run of <paramref name="messages"/> at the grain and in <see cref="Counter"/>.</summary>
    public Task ArmAsync(long messages) => Grain.Arm(messages, _observer).WaitAsync(Timeout);

    /// <inheritdoc />
    public Task Arrived(long count)
    {
        Counter.Reached(count);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(CancellationToken.None).WaitAsync(Timeout);
        }
        finally
        {
            _host.Dispose();
            await _remote.StopAsync(Timeout);
            await _remote.DisposeAsync();
        }
    }

    private static IHost StartLocalSilo(int primaryPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.None).SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans.Runtime", LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("bench-oneway", "bench-oneway"));
            silo.ConfigureEndpoints(IPAddress.Loopback, SiloProcess.FreePort(), SiloProcess.FreePort(), listenOnAnyHostAddress: false);
            silo.UseDevelopmentClustering(new IPEndPoint(IPAddress.Loopback, primaryPort));

            // Silo B runs the overlay too (the process host always does); here it only brings the silo-pinned placement.
            silo.AddPartisan(o => o.ListenAddress = IPAddress.Loopback);
        });
        return builder.Build();
    }
}

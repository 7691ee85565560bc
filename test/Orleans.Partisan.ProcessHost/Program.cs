// A silo in a process of its own, for the process tests and the benchmark: started with its address
// (default 127.0.0.1), ports and clustering on the command line, it prints "READY <silo>" once it is active and "STATUS <silo> <status>"
// for every membership change it sees ("NODEUP <node>" and "NODEDOWN <node> <reason>" for the overlay's), until it is killed, its standard input closes or it gets SIGTERM (the last two stop
// it gracefully: it prints "STOPPING <reason>", then "STOPPED <seconds>" once the host has stopped, and exits).
// While it runs it answers commands written to its standard input, one per line (HostCommands.cs: BROADCAST, VIEWS,
// STATS), and prints "DELIVERED <id> <timestamp>" for each broadcast that reaches it (IProcessBroadcastHandler.cs).
// Settings come from the command line or the environment (ThreadPoolWatch=true StackTool=<dotnet-stack> StackDirectory=<dir>
// for a diagnosis of stalls: ThreadPoolWatch.cs).
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Partisan;
using Orleans.Partisan.ProcessHost;

var builder = Host.CreateApplicationBuilder(args);
var settings = builder.Configuration;
var clusterId = settings["ClusterId"] ?? "process-tests";
var siloPort = int.Parse(settings["SiloPort"] ?? throw new ArgumentException("--SiloPort is required"));
var gatewayPort = int.Parse(settings["GatewayPort"] ?? throw new ArgumentException("--GatewayPort is required"));
var address = IPAddress.Parse(settings["Address"] ?? "127.0.0.1");
builder.Logging.ClearProviders().AddSimpleConsole(o => (o.SingleLine, o.TimestampFormat) = (true, "HH:mm:ss.fff ")).SetMinimumLevel(LogLevel.Warning);
if (settings["PartisanLogLevel"] is { } partisanLevel)
{
    // The overlay's own events (suspicions, evictions, heartbeat timeouts) at a chosen level, for a diagnosis.
    builder.Logging.AddFilter("Orleans.Partisan", Enum.Parse<LogLevel>(partisanLevel));
}

builder.Logging.AddFilter("Orleans.Runtime", Enum.Parse<LogLevel>(settings["OrleansLogLevel"] ?? "Error")).AddFilter("DotNext", LogLevel.Error);
builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
if (bool.Parse(settings["ThreadPoolWatch"] ?? "false"))
{
    // A diagnosis aid, started before the silo: whether this process's thread pool is starved, and its stacks when it is.
    builder.Services.AddHostedService(sp => new ThreadPoolWatch(sp.GetRequiredService<ILogger<ThreadPoolWatch>>(), settings["StackTool"], settings["StackDirectory"]));
}

builder.UseOrleans(silo =>
{
    silo.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
    silo.ConfigureEndpoints(address, siloPort, gatewayPort, listenOnAnyHostAddress: false);
    if (settings["TableRefreshTimeout"] is { } refresh)
    {
        // How soon a silo re-reads the table, and so learns it was declared dead while cut off.
        silo.Configure<Orleans.Configuration.ClusterMembershipOptions>(o => o.TableRefreshTimeout = TimeSpan.Parse(refresh));
    }

    if (settings["ConnectionLivenessCheck"] is { } livenessCheck)
    {
        // Orleans 10 does not vote against a silo it heard from within the last minute; off, a silent partition is found in seconds.
        silo.Configure<Orleans.Configuration.ClusterMembershipOptions>(o => o.EnableConnectionLivenessCheck = bool.Parse(livenessCheck));
    }

    switch (settings["Clustering"] ?? "Development")
    {
        case "Development":
            var primary = int.Parse(settings["PrimaryPort"] ?? throw new ArgumentException("--PrimaryPort is required for development clustering"));
            silo.UseDevelopmentClustering(new IPEndPoint(IPAddress.Loopback, primary));
            break;
        case "Partisan":
            silo.UsePartisanClustering(o =>
            {
                o.Seeds = [.. (settings["Seeds"] ?? throw new ArgumentException("--Seeds is required for Partisan clustering")).Split(',')];
                o.ConsensusEndpoint = settings["ConsensusEndpoint"];
                o.DataDirectory = settings["DataDirectory"];
            });
            break;
        default:
            throw new ArgumentException($"Unknown --Clustering '{settings["Clustering"]}'; expected Development or Partisan.");
    }

    silo.AddPartisan(o =>
    {
        o.ListenAddress = address;
        o.PeerService = Enum.Parse<PartisanPeerService>(settings["PeerService"] ?? nameof(PartisanPeerService.FullMesh));
        o.FailureDetection.Enabled = bool.Parse(settings["FailureDetection"] ?? "false");
        if (settings["HeartbeatInterval"] is { } heartbeatInterval)
        {
            o.HeartbeatInterval = TimeSpan.Parse(heartbeatInterval);
        }

        if (settings["HeartbeatTimeout"] is { } heartbeatTimeout)
        {
            o.HeartbeatTimeout = heartbeatTimeout == "off" ? Timeout.InfiniteTimeSpan : TimeSpan.Parse(heartbeatTimeout);
        }

        if (settings["Channels"] is { } channels)
        {
            // Extra channels as name[:parallelism] separated by commas (the head-of-line benchmark's "bulk").
            foreach (var channel in channels.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = channel.Split(':');
                o.Channels[parts[0]] = new ChannelOptions { Parallelism = parts.Length > 1 ? int.Parse(parts[1]) : 1 };
            }
        }

        if (settings["MaxFrameSize"] is { } maxFrameSize)
        {
            o.MaxFrameSize = int.Parse(maxFrameSize);
        }

        if (settings["SendQueueCapacity"] is { } sendQueueCapacity)
        {
            o.SendQueueCapacity = int.Parse(sendQueueCapacity);
        }
    });
    silo.AddPartisanBroadcastHandler<IProcessBroadcastHandler>();
});
builder.Services.AddHostedService<MembershipReporter>();
builder.Services.AddHostedService<OverlayReporter>();
if (int.Parse(settings["BusyThreads"] ?? "0") is > 0 and var busy)
{
    // A CPU-starved silo: threads of its own keep the cores busy beside its work.
    builder.Services.AddHostedService(_ => new BusyThreads(busy));
}

builder.Services.AddHostedService<EchoReceivers>();

using var host = builder.Build();
await host.StartAsync();
HostOutput.Write($"READY {host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString()}");

// Runs until killed, or until the parent closes standard input or sends SIGTERM (the host's console lifetime turns
// that into StopApplication, as in any .NET host): both are graceful stops.
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
var inputClosed = Task.Run(() => HostCommands.RunAsync(Console.In, host.Services.GetRequiredService<IPartisan>()));
var signalled = Task.Delay(Timeout.Infinite, lifetime.ApplicationStopping).ContinueWith(_ => { }, TaskScheduler.Default);
HostOutput.Write($"STOPPING {(await Task.WhenAny(inputClosed, signalled) == signalled ? "signal" : "input closed")}");
var stopping = Stopwatch.StartNew();
await host.StopAsync();
HostOutput.Write($"STOPPED {stopping.Elapsed.TotalSeconds:0.0}");

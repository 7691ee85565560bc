using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Orleans.Partisan.ClusterTests;

/// <summary>A <see cref="PartisanCluster"/> whose Orleans client is an overlay node too (<c>clientBuilder.AddPartisan</c>), renewing every 500 ms.</summary>
internal static class ClientNodeCluster
{
    private static readonly ConditionalWeakTable<PartisanCluster, FakeLogCollector> Logs = [];

    public static async Task<PartisanCluster> StartAsync(short silos, Action<PartisanOptions>? configure = null, Action<ISiloBuilder>? configureSilo = null, Action<IClientBuilder>? configureClient = null, Action<PartisanOptions>? configureClientNode = null)
    {
        // The overlay's log of the silos and the client, in one collector, for the failure messages.
        var log = new FakeLogCollector();
        var cluster = await PartisanCluster.StartAsync(
            silos,
            configure,
            (_, silo) =>
            {
                silo.Services.AddSingleton<ILoggerProvider>(new FakeLoggerProvider(log));
                configureSilo?.Invoke(silo);
            },
            client =>
            {
                client.Services.AddSingleton<ILoggerProvider>(new FakeLoggerProvider(log));
                client.AddPartisan(o =>
                {
                    o.ListenAddress = IPAddress.Loopback;
                    o.Channels["bulk"] = new ChannelOptions { Parallelism = 2 };
                    o.Client.RenewInterval = TimeSpan.FromMilliseconds(500);
                    configure?.Invoke(o);
                    configureClientNode?.Invoke(o);
                });
                configureClient?.Invoke(client);
            });
        Logs.AddOrUpdate(cluster, log);
        return cluster;
    }

    /// <summary>The overlay's last log records (Information and above) of the silos and the client, one a line.</summary>
    public static string OverlayLog(this PartisanCluster cluster, int last = 60)
        => Logs.TryGetValue(cluster, out var log)
            ? string.Join("\n", log.GetSnapshot().Where(r => r.Category?.StartsWith("Orleans.Partisan", StringComparison.Ordinal) == true && r.Level >= LogLevel.Information).TakeLast(last).Select(r => $"{r.Timestamp:HH:mm:ss.fff} {r.Level} {r.Category}: {r.Message}"))
            : "(no log)";

    /// <summary>The client's overlay node.</summary>
    public static IPartisan ClientNode(this PartisanCluster cluster) => cluster.Client.ServiceProvider.GetRequiredService<IPartisan>();

    /// <summary>Waits until the client's node is attached to a silo (connected to it, and the silo to the client) and returns that silo.</summary>
    public static async Task<Orleans.TestingHost.InProcessSiloHandle> WaitForGatewayAsync(this PartisanCluster cluster, Func<Orleans.TestingHost.InProcessSiloHandle, bool>? acceptable = null)
    {
        var client = cluster.ClientNode();
        Orleans.TestingHost.InProcessSiloHandle? gateway = null;
        await Eventually.Until(
            () =>
            {
                gateway = cluster.Silos.FirstOrDefault(s => cluster.Node(s).IsConnected(client.Name) && client.IsConnected(cluster.Node(s).Name) && (acceptable?.Invoke(s) ?? true));
                return gateway is not null;
            },
            PartisanCluster.Timeout,
            () => $"client node {client.Name} attached to a silo (connected both ways); it is connected to [{string.Join(", ", client.GetNodes(NodeSelection.Connected))}], silos connected to it: [{string.Join(", ", cluster.Silos.Where(s => cluster.Node(s).IsConnected(client.Name)).Select(s => s.SiloAddress))}]; overlay log:\n{cluster.OverlayLog()}");
        return gateway!;
    }

    /// <summary>
    /// Waits until the client's node and one silo (<paramref name="gateway"/>, if given) are connected to each other and
    /// to no other: a client that dialled several silos while it chose keeps one, and a silo keeps a client it stopped
    /// hearing from until it detaches it.
    /// </summary>
    public static Task WaitForOneGatewayAsync(this PartisanCluster cluster, NodeName? gateway = null)
    {
        var client = cluster.ClientNode();
        IEnumerable<NodeName> Dialled() => client.GetNodes(NodeSelection.Connected);
        IEnumerable<NodeName> Dialling() => cluster.Nodes.Where(n => n.IsConnected(client.Name)).Select(n => n.Name);
        return Eventually.Until(
            () => Dialled().ToList() is [var only] && (gateway is null || only == gateway) && Dialling().SequenceEqual([only]),
            PartisanCluster.Timeout,
            () => $"the client and {(gateway is null ? "one silo" : gateway.ToString())} connected to each other, and to no other silo; the client is connected to [{string.Join(", ", Dialled())}], and [{string.Join(", ", Dialling())}] to it");
    }
}

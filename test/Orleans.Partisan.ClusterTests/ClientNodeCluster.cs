using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Orleans.Partisan.ClusterTests;

/// <summary>A <see cref="PartisanCluster"/> whose Orleans client is an overlay node too (<c>clientBuilder.AddPartisan</c>), renewing every 500 ms.</summary>
internal static class ClientNodeCluster
{
    public static Task<PartisanCluster> StartAsync(short silos, Action<PartisanOptions>? configure = null, Action<ISiloBuilder>? configureSilo = null, Action<IClientBuilder>? configureClient = null, Action<PartisanOptions>? configureClientNode = null)
        => PartisanCluster.StartAsync(
            silos,
            configure,
            configureSilo is null ? null : (_, silo) => configureSilo(silo),
            client =>
            {
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
            () => $"client node {client.Name} attached to a silo (connected both ways); it is connected to [{string.Join(", ", client.GetNodes(NodeSelection.Connected))}], silos connected to it: [{string.Join(", ", cluster.Silos.Where(s => cluster.Node(s).IsConnected(client.Name)).Select(s => s.SiloAddress))}]");
        return gateway!;
    }
}

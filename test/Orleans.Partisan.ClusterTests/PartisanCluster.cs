using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Orleans.Partisan.ClusterTests;

/// <summary>An in-process Orleans cluster whose silos run the overlay on loopback with OS-chosen ports.</summary>
internal sealed class PartisanCluster : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private PartisanCluster(InProcessTestCluster cluster) => Cluster = cluster;

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    public static async Task<PartisanCluster> StartAsync(short silos, Action<PartisanOptions>? configure = null, Action<ISiloBuilder>? configureSilo = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.AddPartisan(o =>
        {
            o.ListenAddress = System.Net.IPAddress.Loopback;
            o.Channels["bulk"] = new ChannelOptions { Parallelism = 2 };
            configure?.Invoke(o);
        }));
        if (configureSilo is not null)
        {
            builder.ConfigureSilo((_, silo) => configureSilo(silo));
        }

        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new PartisanCluster(cluster);
    }

    public IReadOnlyList<InProcessSiloHandle> Silos => Cluster.Silos;

    public IPartisan Node(InProcessSiloHandle silo) => Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<IPartisan>();

    public IReadOnlyList<IPartisan> Nodes => Silos.Select(Node).ToList();

    /// <summary>Waits until every node knows every other as a member and is fully connected to it.</summary>
    public Task WaitForFullMeshAsync()
    {
        return Eventually.Until(
            () =>
            {
                var nodes = Nodes;
                var names = nodes.Select(n => n.Name).ToHashSet();
                return nodes.All(n => names.IsSubsetOf(n.GetNodes(NodeSelection.Known)) && names.Where(m => m != n.Name).All(n.IsFullyConnected));
            },
            Timeout,
            () => "every silo fully connected to every other; seen: " + string.Join("; ", Nodes.Select(n => $"{n.Name} knows [{string.Join(",", n.GetNodes(NodeSelection.Known))}] connected [{string.Join(",", n.GetNodes())}]")));
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

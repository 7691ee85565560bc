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

    /// <summary>HyParView scaled down for a dozen silos: an active view of <paramref name="activeView"/>, short walks, fast shuffles and promotions.</summary>
    public static void UseSmallHyParView(PartisanOptions o, int activeView)
    {
        o.PeerService = PartisanPeerService.HyParView;
        o.HyParView.ActiveViewSize = activeView;
        o.HyParView.MinActiveViewSize = 2;
        o.HyParView.PassiveViewSize = 8;
        o.HyParView.ActiveRandomWalkLength = 3;
        o.HyParView.PassiveRandomWalkLength = 2;
        o.HyParView.ShuffleActiveCount = 2;
        o.HyParView.ShufflePassiveCount = 3;
        o.HyParView.ShuffleInterval = TimeSpan.FromSeconds(1);
        o.HyParView.PromotionInterval = TimeSpan.FromMilliseconds(300);
    }

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

using Orleans.Partisan.Testing;
using Orleans.TestingHost;

namespace Orleans.Partisan.ClusterTests;

/// <summary>
/// An in-process Orleans cluster whose silos run the overlay on loopback with OS-chosen ports, built with the one-liners of
/// Orleans.Partisan.Testing (<see cref="PartisanTestClusterExtensions"/>) and a "bulk" channel of two lanes.
/// </summary>
internal sealed class PartisanCluster : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private PartisanCluster(InProcessTestCluster cluster) => Cluster = cluster;

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    public static Task<PartisanCluster> StartAsync(short silos, Action<PartisanOptions>? configure = null, Action<ISiloBuilder>? configureSilo = null)
        => StartAsync(silos, configure, configureSilo is null ? null : (_, silo) => configureSilo(silo));

    /// <summary>As <see cref="StartAsync(short, Action{PartisanOptions}?, Action{ISiloBuilder}?)"/>, configuring each silo knowing which it is (its name is <c>Silo_{n}</c>).</summary>
    public static async Task<PartisanCluster> StartAsync(short silos, Action<PartisanOptions>? configure, Action<InProcessTestSiloSpecificOptions, ISiloBuilder>? configureSilo, Action<IClientBuilder>? configureClient = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.AddPartisan(o =>
        {
            o.Channels["bulk"] = new ChannelOptions { Parallelism = 2 };
            configure?.Invoke(o);
        });
        if (configureSilo is not null)
        {
            builder.ConfigureSilo(configureSilo);
        }

        if (configureClient is not null)
        {
            builder.ConfigureClient(configureClient);
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

    public IPartisan Node(InProcessSiloHandle silo) => Cluster.GetPartisan(silo.SiloAddress);

    public IReadOnlyList<IPartisan> Nodes => Silos.Select(Node).ToList();

    /// <summary>Waits until the overlay has converged for its peer service (full mesh: every node connected to every other; HyParView: symmetric active views forming one connected graph; see <c>WaitForPartisanConvergedAsync</c>).</summary>
    public Task WaitForConvergedAsync() => Cluster.WaitForPartisanConvergedAsync(Timeout);

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

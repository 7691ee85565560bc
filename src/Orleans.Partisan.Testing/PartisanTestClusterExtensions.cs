using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;

namespace Orleans.Partisan.Testing;

/// <summary>
/// One-liners for an Orleans TestingHost cluster whose silos run the overlay: add it to every silo, reach a silo's
/// <see cref="IPartisan"/>, and wait until the overlay has converged.
/// </summary>
public static class PartisanTestClusterExtensions
{
    /// <summary>How long <see cref="WaitForPartisanConvergedAsync(InProcessTestCluster, TimeSpan?, CancellationToken)"/> waits when not told.</summary>
    public static readonly TimeSpan DefaultConvergenceTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    // How long a partial view must stay converged and unchanged: HyParView keeps acting after a state that is briefly
    // symmetric and connected (a late forwarded join or a promotion swaps a neighbour), and a test reads it afterwards.
    private static readonly TimeSpan PartialViewSettleTime = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Adds the overlay to every silo of the cluster, listening on loopback (127.0.0.1) on a port the OS chooses, with fault
    /// injection (<see cref="PartisanFaultInjectionExtensions.AddPartisanFaultInjection"/>: no rules until a test adds some,
    /// reached with <c>cluster.PartisanFaults()</c>).
    /// </summary>
    /// <param name="builder">The cluster's builder.</param>
    /// <param name="configure">Sets the options of every silo's overlay (after the loopback address, so it may change it).</param>
    public static InProcessTestClusterBuilder AddPartisan(this InProcessTestClusterBuilder builder, Action<PartisanOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureSilo((_, silo) => silo
            .AddPartisan(o =>
            {
                o.ListenAddress = IPAddress.Loopback;
                configure?.Invoke(o);
            })
            .AddPartisanFaultInjection());
        return builder;
    }

    /// <summary>The overlay node of <paramref name="silo"/>.</summary>
    /// <exception cref="InvalidOperationException">The silo does not run the overlay.</exception>
    public static IPartisan GetPartisan(this InProcessTestCluster cluster, SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(silo);
        return NodeOf(cluster.GetSiloServiceProvider(silo), silo);
    }

    /// <summary>The overlay nodes of the cluster's active silos, in the order of <see cref="InProcessTestCluster.GetActiveSilos"/>.</summary>
    public static IReadOnlyList<IPartisan> GetPartisanNodes(this InProcessTestCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return cluster.GetActiveSilos().Select(s => cluster.GetPartisan(s.SiloAddress)).ToList();
    }

    /// <summary>
    /// Waits until the overlay of the active silos has converged: under full mesh (and the static peer service) every node knows
    /// every other as a member and has every channel's connections to it; under client-server every node knows every other,
    /// servers have every channel's connections to every node and clients to every server and none to a client; under
    /// HyParView every node has at least one neighbour, neighbourhood is symmetric and the neighbours form one connected graph,
    /// and every node's neighbours have stayed the same for one second.
    /// </summary>
    /// <param name="cluster">The cluster.</param>
    /// <param name="timeout">How long to wait; <see cref="DefaultConvergenceTimeout"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="TimeoutException">The overlay had not converged in time; the message shows what each node saw.</exception>
    public static async Task WaitForPartisanConvergedAsync(this InProcessTestCluster cluster, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var limit = timeout ?? DefaultConvergenceTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        string? settling = null;
        var settlingSince = 0L;
        while (true)
        {
            var nodes = cluster.GetActiveSilos()
                .Select(s => (Node: cluster.GetPartisan(s.SiloAddress), Options: cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<IOptions<PartisanOptions>>().Value))
                .ToList();
            var services = nodes.Select(n => n.Options.PeerService).Distinct().ToList();
            var shape = services switch
            {
                _ when services.All(s => s is PartisanPeerService.FullMesh or PartisanPeerService.Static) => OverlayShape.FullMesh,
                [PartisanPeerService.ClientServer] => OverlayShape.ClientServer,
                _ => OverlayShape.PartialView,
            };
            var servers = nodes.Where(n => n.Options.ClientServer.Role == PartisanNodeRole.Server).Select(n => n.Node.Name).ToHashSet();
            var convergence = new OverlayConvergence(nodes.Select(n => n.Node).ToList(), shape, servers);
            if (!convergence.HasConverged())
            {
                settling = null;
            }
            else if (shape != OverlayShape.PartialView)
            {
                return;
            }
            else if (convergence.Neighbours() is var views && views != settling)
            {
                (settling, settlingSince) = (views, Stopwatch.GetTimestamp());
            }
            else if (Stopwatch.GetElapsedTime(settlingSince) >= PartialViewSettleTime)
            {
                return;
            }

            try
            {
                await Task.Delay(PollInterval, deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The overlay of {nodes.Count} silos had not converged after {limit}: {convergence.Describe()}");
            }
        }
    }

    private static IPartisan NodeOf(IServiceProvider services, SiloAddress silo)
        => services.GetService<IPartisan>() ?? throw new InvalidOperationException($"Silo {silo} does not run the overlay: add AddPartisan() to its configuration.");
}

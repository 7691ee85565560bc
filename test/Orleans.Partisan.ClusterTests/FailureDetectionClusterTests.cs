using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.ClusterTests;

/// <summary>The overlay's failure detector declares a silo dead in Orleans' membership once other silos confirm it is unreachable.</summary>
public sealed class FailureDetectionClusterTests
{
    [Fact]
    public async Task A_silo_whose_overlay_died_is_declared_dead_on_the_evidence_of_two_silos()
    {
        await using var cluster = await PartisanCluster.StartAsync(
            4,
            o =>
            {
                o.FailureDetection.Enabled = true;
                o.FailureDetection.SuspectAfter = TimeSpan.FromMilliseconds(500);
                o.ReconnectInterval = TimeSpan.FromMilliseconds(100);
                o.MaxReconnectInterval = TimeSpan.FromMilliseconds(200);
            },
            // A silo told it is dead calls the fatal error handler, which would end the test process.
            silo => silo.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton<IFatalErrorHandler, RecordingFatalErrorHandler>())));
        await cluster.WaitForConvergedAsync();
        var victim = cluster.Silos[3];

        // The victim's overlay stops without a leave, as in a crash; its Orleans runtime, and so Orleans'
        // own probes of it, go on: only the overlay's detector can find it dead.
        await cluster.Cluster.GetSiloServiceProvider(victim.SiloAddress).GetRequiredService<PartisanNode>().DisposeAsync();

        var observer = cluster.Cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress).GetRequiredService<IClusterMembershipService>();
        await Eventually.Until(
            () => observer.CurrentSnapshot.GetSiloStatus(victim.SiloAddress) == SiloStatus.Dead,
            PartisanCluster.Timeout,
            () => $"silo {victim.SiloAddress} declared dead; membership: {observer.CurrentSnapshot}");
        Assert.All(cluster.Silos.Take(3), s => Assert.Equal(SiloStatus.Active, observer.CurrentSnapshot.GetSiloStatus(s.SiloAddress)));
    }

    private sealed class RecordingFatalErrorHandler : IFatalErrorHandler
    {
        public bool IsUnexpected(Exception exception) => true;

        public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null)
        {
        }
    }
}

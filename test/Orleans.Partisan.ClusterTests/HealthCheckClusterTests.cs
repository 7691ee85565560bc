using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Partisan.Runtime;
using Orleans.TestingHost;

namespace Orleans.Partisan.ClusterTests;

/// <summary>The overlay's health check (<c>AddHealthChecks().AddPartisan()</c>) on real silos as they fail.</summary>
public sealed class HealthCheckClusterTests
{
    [Fact]
    public async Task The_overlay_is_healthy_then_degraded_when_a_silos_overlay_stops_and_unhealthy_when_no_member_is_reachable()
    {
        await using var cluster = await PartisanCluster.StartAsync(3, configureSilo: silo => silo.Services.AddHealthChecks().AddPartisan());
        await cluster.WaitForConvergedAsync();
        var (first, second, victim) = (cluster.Silos[0], cluster.Silos[1], cluster.Silos[2]);
        foreach (var silo in cluster.Silos)
        {
            await UntilAsync(cluster, silo, HealthStatus.Healthy, "Connected to 2 of 2");
        }

        // The victim's overlay stops as in a crash (its silo stays in Orleans' membership, so its node stays a member).
        await Services(cluster, victim).GetRequiredService<PartisanNode>().DisposeAsync();
        await UntilAsync(cluster, victim, HealthStatus.Unhealthy, "is not running");
        var degraded = await UntilAsync(cluster, first, HealthStatus.Degraded, "1 member(s) are not connected");
        Assert.Contains(victim.SiloAddress.GetNodeName().Value, degraded.Description, StringComparison.Ordinal);

        // The second silo's overlay stops too: the first reaches none of its members.
        await Services(cluster, second).GetRequiredService<PartisanNode>().DisposeAsync();
        await UntilAsync(cluster, second, HealthStatus.Unhealthy, "is not running");
        await UntilAsync(cluster, first, HealthStatus.Unhealthy, "is connected to none");
    }

    private static IServiceProvider Services(PartisanCluster cluster, InProcessSiloHandle silo) => cluster.Cluster.GetSiloServiceProvider(silo.SiloAddress);

    /// <summary>Checks <paramref name="silo"/>'s health until it is <paramref name="status"/> with a description containing <paramref name="reason"/>.</summary>
    private static async Task<HealthReportEntry> UntilAsync(PartisanCluster cluster, InProcessSiloHandle silo, HealthStatus status, string reason)
    {
        var checks = Services(cluster, silo).GetRequiredService<HealthCheckService>();
        HealthReportEntry entry = default;
        await Eventually.Until(
            async () =>
            {
                entry = (await checks.CheckHealthAsync()).Entries[PartisanHealthChecksBuilderExtensions.DefaultName];
                return entry.Status == status && entry.Description?.Contains(reason, StringComparison.Ordinal) == true;
            },
            PartisanCluster.Timeout,
            () => $"{silo.SiloAddress}: {status} with '{reason}'; last seen {entry.Status}: {entry.Description}");
        return entry;
    }
}

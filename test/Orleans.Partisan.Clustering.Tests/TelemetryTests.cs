using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Partisan.Clustering.Consensus;
using Orleans.Partisan.Clustering.Hosting;
using Orleans.Partisan.Clustering.TableService;

namespace Orleans.Partisan.Clustering.Tests;

/// <summary>The clustering meter's instruments and the clustering health check, on a real group of seeds.</summary>
public sealed class TelemetryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Seeds_report_leader_term_commits_and_requests_and_the_health_check_follows_lost_seeds()
    {
        using var leaders = new MetricCollector<long>(null, PartisanTelemetry.ClusteringMeterName, PartisanTelemetry.ClusteringLeader);
        using var terms = new MetricCollector<long>(null, PartisanTelemetry.ClusteringMeterName, PartisanTelemetry.ClusteringTerm);
        using var commits = new MetricCollector<double>(null, PartisanTelemetry.ClusteringMeterName, PartisanTelemetry.ClusteringCommitDuration);
        using var requests = new MetricCollector<long>(null, PartisanTelemetry.ClusteringMeterName, PartisanTelemetry.ClusteringTableRequests);
        await using var group = await SeedGroup.StartAsync();
        var leader = await group.LeaderAsync();
        var client = new SeedClient(new PartisanClusteringOptions { Seeds = group.Options.Seeds, RequestTimeout = TimeSpan.FromSeconds(2) }, SeedGroup.Serializer, NullLogger.Instance);
        var options = new PartisanClusteringHealthCheckOptions();

        await group.Handle("telemetry").InitializeMembershipTableAsync(true, CancellationToken.None);
        Assert.Equal(TableResponseStatus.Ok, (await client.SendAsync(ReadAll, CancellationToken.None)).Status);

        // The leader gauge names the seed that leads now, read together with the seeds' own say (a loaded machine may
        // have re-elected since LeaderAsync); the rest of the test follows that leader.
        var seeds = group.EndPoints.Select(e => e.ToString()).ToList();
        IReadOnlyList<long?> reported = [];
        await Eventually.Until(
            () =>
            {
                leaders.RecordObservableInstruments();
                reported = seeds.Select(s => Last(leaders, "seed", s)).ToList();
                var leading = Enumerable.Range(0, seeds.Count).Where(i => group.Nodes[i] is { IsLeader: true }).ToList();
                leader = leading.Count == 1 ? leading[0] : -1;
                return Task.FromResult(leader >= 0 && reported.SequenceEqual(seeds.Select((_, i) => (long?)(i == leader ? 1 : 0))));
            },
            TimeSpan.FromSeconds(20),
            () => $"the leader gauge at 1 for the one seed that leads ({leader}) and 0 for the others; it reports [{string.Join(", ", reported)}]");
        terms.RecordObservableInstruments();
        Assert.All(seeds, s => Assert.True(Last(terms, "seed", s) >= 1, $"seed {s} reports term {Last(terms, "seed", s)}"));
        Assert.Contains(commits.GetMeasurementSnapshot(), m => Equals(m.Tags["operation"], "initialize") && m.Value > 0);
        Assert.Contains(requests.GetMeasurementSnapshot(), m => Equals(m.Tags["operation"], "read-all") && Equals(m.Tags["outcome"], "ok"));
        Assert.Equal(HealthStatus.Healthy, (await Check(client, group.Nodes[leader], options)).Status);
        Assert.Equal(HealthStatus.Healthy, (await Check(client, null, options)).Status);

        // A follower stops: the leader cannot reach it.
        var (first, second) = (Enumerable.Range(0, 3).First(i => i != leader), Enumerable.Range(0, 3).Last(i => i != leader));
        await group.StopSeedAsync(first);
        await UntilAsync(() => Check(client, group.Nodes[leader], options), HealthStatus.Degraded, $"cannot reach seed(s) {group.EndPoints[first]}");

        // The other follower stops too: no majority answers, and a silo that is no seed sees its request fail.
        await group.StopSeedAsync(second);
        await Assert.ThrowsAsync<PartisanClusteringUnavailableException>(() => client.SendAsync(ReadAll, CancellationToken.None));
        Assert.Contains(requests.GetMeasurementSnapshot(), m => Equals(m.Tags["operation"], "read-all") && Equals(m.Tags["outcome"], "unavailable"));
        await UntilAsync(() => Check(client, null, options), HealthStatus.Unhealthy, "The last membership table request (read-all) failed");

        // A follower is back: requests are answered again, and the failure is recent.
        await group.StartSeedAsync(first);
        await UntilAsync(
            async () =>
            {
                try
                {
                    await client.SendAsync(ReadAll, CancellationToken.None);
                }
                catch (PartisanClusteringUnavailableException)
                {
                    // Not elected yet: the check stays unhealthy and the loop asks again.
                }

                return await Check(client, null, options);
            },
            HealthStatus.Degraded,
            "a membership table request (read-all) failed");
    }

    [Fact]
    public void A_seed_without_a_leader_or_not_running_is_unhealthy_and_invalid_options_are_refused()
    {
        var options = new PartisanClusteringHealthCheckOptions();
        Assert.Equal(TimeSpan.FromMinutes(1), options.RecentFailureWindow);
        var noLeader = ClusteringHealthCheck.Judge(new ClusteringHealthSnapshot(true, true, null, [], null, null, TimeSpan.MaxValue), options);
        Assert.Equal((HealthStatus.Unhealthy, "This seed knows no leader: no majority of the seeds has elected one."), (noLeader.Status, noLeader.Description));
        Assert.Equal(HealthStatus.Unhealthy, ClusteringHealthCheck.Judge(new ClusteringHealthSnapshot(true, false, null, [], null, null, TimeSpan.MaxValue), options).Status);

        var failed = new TableRequestOutcome("insert-row", 10, "no quorum");
        var answered = new TableRequestOutcome("read-all", 20, null);
        var old = ClusteringHealthCheck.Judge(new ClusteringHealthSnapshot(false, false, null, [], failed, answered, TimeSpan.FromMinutes(2)), options);
        Assert.Equal(HealthStatus.Healthy, old.Status);

        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddHealthChecks().AddPartisanClustering(o => o.RecentFailureWindow = TimeSpan.Zero));
        Assert.Contains("RecentFailureWindow must be more than zero; it is 00:00:00.", error.Message, StringComparison.Ordinal);
    }

    private static readonly TableRequest ReadAll = new() { Kind = TableRequestKind.ReadAll, ClusterId = "telemetry" };

    private static Task<HealthCheckResult> Check(SeedClient client, SeedNode? seed, PartisanClusteringHealthCheckOptions options)
        => new ClusteringHealthCheck(client, seed, options).CheckHealthAsync(new HealthCheckContext());

    private static async Task UntilAsync(Func<Task<HealthCheckResult>> check, HealthStatus status, string reason)
    {
        HealthCheckResult last = default;
        await Eventually.Until(
            async () =>
            {
                last = await check();
                return last.Status == status && last.Description?.Contains(reason, StringComparison.Ordinal) == true;
            },
            Timeout,
            () => $"{status} with '{reason}'; last seen {last.Status}: {last.Description}");
    }

    private static long? Last(MetricCollector<long> collector, string tag, string value)
        => collector.GetMeasurementSnapshot().LastOrDefault(m => Equals(m.Tags[tag], value))?.Value;
}

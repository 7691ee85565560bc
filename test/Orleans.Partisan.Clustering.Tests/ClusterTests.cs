using Microsoft.Extensions.DependencyInjection;

namespace Orleans.Partisan.Clustering.Tests;

/// <summary>Real silos with no clustering but ours: 3 seeds and 2 other silos serve grain calls, lose a seed, and take it back.</summary>
public sealed class ClusterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static Task AllSeeAsync(SiloHarness harness, Func<ClusterMembershipSnapshot, bool> condition, Func<string> expected)
        => Eventually.Until(
            () => Task.FromResult(harness.Silos.Where(s => s is not null).All(s => condition(s!.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot))),
            Timeout,
            () => $"{expected()}; views: " + string.Join(" | ", harness.Silos.Where(s => s is not null).Select(s => s!.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.ToString())));

    [Fact]
    public async Task ThreeSeedsAndTwoSilos_SurviveASeedStop_AndTheSeedRejoinsWithANewGeneration()
    {
        await using var harness = new SiloHarness(seedCount: 3, otherCount: 2);
        await harness.StartAllAsync();
        await AllSeeAsync(harness, s => s.Members.Values.Count(m => m.Status == SiloStatus.Active) == 5, () => "every silo to see 5 active silos");

        using var client = await harness.StartClientAsync();
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var placements = new Dictionary<long, string>();
        for (var key = 0L; key < 100; key++)
        {
            placements[key] = await grains.GetGrain<IWhereGrain>(key).Where();
        }

        var stopped = harness.AddressOf(0);
        var onStopped = placements.Where(p => p.Value == stopped.ToParsableString()).Select(p => p.Key).ToList();
        Assert.True(onStopped.Count > 0, $"expected some of 100 randomly placed grains on {stopped}; placements: {string.Join(", ", placements.Values.Distinct())}");
        await harness.StopAsync(0);

        await AllSeeAsync(harness, s => s.GetSiloStatus(stopped) == SiloStatus.Dead && s.Members.Values.Count(m => m.Status == SiloStatus.Active) == 4, () => $"the survivors to see {stopped} Dead and 4 active silos");
        foreach (var key in onStopped)
        {
            var now = await grains.GetGrain<IWhereGrain>(key).Where();
            Assert.NotEqual(stopped.ToParsableString(), now);
        }

        var extra = await grains.GetGrain<IWhereGrain>(1000).Where();
        Assert.NotEqual(stopped.ToParsableString(), extra);

        await harness.StartAsync(0);
        var restarted = harness.AddressOf(0);
        Assert.Equal(stopped.Endpoint, restarted.Endpoint);
        Assert.True(restarted.Generation > stopped.Generation, $"expected a new generation, {restarted.Generation} after {stopped.Generation}");
        await AllSeeAsync(harness, s => s.GetSiloStatus(restarted) == SiloStatus.Active && s.GetSiloStatus(stopped) == SiloStatus.Dead && s.Members.Values.Count(m => m.Status == SiloStatus.Active) == 5, () => $"every silo to see {restarted} Active beside the Dead {stopped}");
        await client.StopAsync();
    }
}

using System.Diagnostics;
using Orleans.Partisan.ProcessHost;
using Xunit.Abstractions;

namespace Orleans.Partisan.ProcessTests;

/// <summary>Storage-free clustering with silos as processes: kill -9 of a non-seed and then of a seed, under grain traffic.</summary>
public sealed class StorageFreeClusteringProcessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_a_non_seed_and_then_a_seed_with_sigkill_leaves_the_survivors_serving_grains()
    {
        var watch = Stopwatch.StartNew();
        await using var cluster = await ProcessCluster.StartPartisanAsync(seeds: 3, others: 2, failureDetection: true);
        await cluster.ConnectClientAsync();
        output.WriteLine($"3 seeds + 2 silos ready, client connected after {watch.Elapsed.TotalSeconds:0.0} s");
        var counters = Enumerable.Range(0, 40).Select(i => cluster.Client.GetGrain<IProcessCounterGrain>(i)).ToList();
        await Task.WhenAll(counters.Select(c => c.Increment()));

        var nonSeed = cluster.Silos[4];
        var seed = cluster.Silos[1];
        var survivors = cluster.Silos.ToList();
        foreach (var victim in new[] { nonSeed, seed })
        {
            survivors.Remove(victim);
            victim.Kill();
            watch.Restart();
            await ProcessCluster.WaitForStatusAsync(survivors, victim, "Dead", ProcessCluster.Timeout);
            output.WriteLine($"{victim.Name} declared dead by every survivor {watch.Elapsed.TotalSeconds:0.0} s after kill -9");

            // Every counter answers, from a survivor.
            foreach (var counter in counters)
            {
                var (_, silo) = await ProcessCluster.CallAsync(() => counter.Increment(), "a counter's answer"); // the client may try the dead gateway once
                Assert.NotEqual(victim.SiloAddress, silo);
            }
        }

        // No survivor was declared dead or stopped itself.
        Assert.All(survivors, s => Assert.False(s.HasExited, $"{s.Name} exited: {s.Describe()}"));
        Assert.All(survivors, s => Assert.DoesNotContain(survivors.SelectMany(o => o.Lines), l => l == $"STATUS {s.SiloAddress} Dead"));
    }
}

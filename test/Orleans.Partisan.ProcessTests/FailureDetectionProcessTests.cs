using System.Diagnostics;
using Orleans.Partisan.ProcessHost;
using Xunit.Abstractions;

namespace Orleans.Partisan.ProcessTests;

/// <summary>kill -9 of a silo process: the overlay's failure detector has it declared dead, and the survivors go on.</summary>
public sealed class FailureDetectionProcessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_silo_killed_with_sigkill_under_grain_traffic_is_declared_dead_by_every_survivor_which_go_on()
    {
        var watch = Stopwatch.StartNew();
        await using var cluster = await ProcessCluster.StartDevelopmentAsync(4, failureDetection: true);
        output.WriteLine($"4 silo processes ready after {watch.Elapsed.TotalSeconds:0.0} s");
        await cluster.ConnectClientAsync();
        var counters = Enumerable.Range(0, 20).Select(i => cluster.Client.GetGrain<IProcessCounterGrain>(i)).ToList();
        var homes = await Task.WhenAll(counters.Select(async c => (await c.Increment()).Silo));

        var victim = cluster.Silos.Skip(1).First(s => homes.Contains(s.SiloAddress)); // a non-primary silo hosting counters
        var survivors = cluster.Silos.Where(s => s != victim).ToList();
        victim.Kill();
        watch.Restart();

        await ProcessCluster.WaitForStatusAsync(survivors, victim, "Dead", ProcessCluster.Timeout);
        output.WriteLine($"declared dead by every survivor {watch.Elapsed.TotalSeconds:0.0} s after kill -9");
        watch.Restart();

        // Grain calls go on: every counter answers, those of the victim from a survivor.
        foreach (var counter in counters)
        {
            var (_, silo) = await ProcessCluster.CallAsync(() => counter.Increment(), "a counter's answer"); // the client may try the dead gateway once
            Assert.NotEqual(victim.SiloAddress, silo);
        }

        output.WriteLine($"every counter answered {watch.Elapsed.TotalSeconds:0.0} s later");

        // No survivor was declared dead or stopped itself.
        Assert.All(survivors, s => Assert.False(s.HasExited, $"{s.Name} exited: {s.Describe()}"));
        Assert.All(survivors, s => Assert.DoesNotContain(survivors.SelectMany(o => o.Lines), l => l == $"STATUS {s.SiloAddress} Dead"));
    }
}

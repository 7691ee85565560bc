using System.Diagnostics;
using Orleans.Partisan.ProcessHost;
using Xunit.Abstractions;

namespace Orleans.Partisan.ProcessTests;

/// <summary>
/// Storage-free clustering across a real network partition: silos in network namespaces of their own,
/// a minority (one seed, one other silo) cut off by taking its links down.
/// </summary>
public sealed class PartitionProcessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_cut_off_minority_cannot_change_the_table_the_majority_goes_on_and_after_healing_the_minority_stops_and_rejoins()
    {
        using var network = new NetworkNamespaces(5);
        var watch = Stopwatch.StartNew();
        await using var cluster = await ProcessCluster.StartPartisanAsync(seeds: 3, others: 2, failureDetection: true, network, tableRefresh: TimeSpan.FromSeconds(5));
        await cluster.ConnectClientAsync();
        output.WriteLine($"3 seeds + 2 silos in their own network namespaces ready after {watch.Elapsed.TotalSeconds:0.0} s");
        var counters = Enumerable.Range(0, 40).Select(i => cluster.Client.GetGrain<IProcessCounterGrain>(i)).ToList();
        await Task.WhenAll(counters.Select(c => c.Increment()));

        // Cut off seed 2 and silo 4: two of five, one of three seeds.
        int[] minorityIndexes = [2, 4];
        var minority = minorityIndexes.Select(i => cluster.Silos[i]).ToList();
        var majority = cluster.Silos.Except(minority).ToList();
        foreach (var i in minorityIndexes)
        {
            network.Cut(i);
        }

        watch.Restart();
        foreach (var victim in minority)
        {
            await ProcessCluster.WaitForStatusAsync(majority, victim, "Dead", ProcessCluster.Timeout);
        }

        output.WriteLine($"the majority declared the cut-off silos dead {watch.Elapsed.TotalSeconds:0.0} s after the cut");

        // Healed: the cut-off silos read the table, learn they were declared dead and stop.
        foreach (var i in minorityIndexes)
        {
            network.Heal(i);
        }

        watch.Restart();
        using (var deadline = new CancellationTokenSource(ProcessCluster.Timeout))
        {
            foreach (var silo in minority)
            {
                await silo.WaitForExitAsync(deadline.Token);
            }
        }

        output.WriteLine($"the healed silos stopped {watch.Elapsed.TotalSeconds:0.0} s after healing");

        // The majority went on: every grain answers, from the majority (the client may first try a gateway it still lists).
        foreach (var counter in counters)
        {
            var (_, silo) = await ProcessCluster.CallAsync(counter.Increment, "a counter grain answering");
            Assert.DoesNotContain(silo, minority.Select(m => m.SiloAddress));
        }

        // The minority never changed the table: no silo saw a majority silo declared dead, and none stopped.
        var everything = cluster.Silos.SelectMany(s => s.Lines).ToList();
        Assert.All(majority, m => Assert.DoesNotContain($"STATUS {m.SiloAddress} Dead", everything));
        Assert.All(majority, m => Assert.False(m.HasExited, $"{m.Name} exited: {m.Describe()}"));

        // Restarted (the seed with its data directory), they rejoin with a new generation.
        foreach (var i in minorityIndexes)
        {
            var old = cluster.Silos[i].SiloAddress;
            var restarted = await cluster.RestartAsync(i);
            Assert.NotEqual(old, restarted.SiloAddress);
            await ProcessCluster.WaitForStatusAsync(majority, restarted, "Active", ProcessCluster.Timeout);
        }

        await Task.WhenAll(counters.Select(c => ProcessCluster.CallAsync(c.Increment, "a counter grain answering after the rejoin")));
    }
}

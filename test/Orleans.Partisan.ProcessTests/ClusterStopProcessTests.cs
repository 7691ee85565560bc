using System.Diagnostics;
using Orleans.Partisan.ProcessHost;
using Xunit.Abstractions;

namespace Orleans.Partisan.ProcessTests;

/// <summary>
/// Stopping silos with SIGTERM, as an orchestrator does, with storage-free clustering: the whole cluster at once,
/// seeds included, and a silo whose membership table is gone.
/// </summary>
public sealed class ClusterStopProcessTests(ITestOutputHelper output)
{
    /// <summary>Issue 12's bound: every process ends within 30 s of SIGTERM.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sigterm_to_every_silo_at_once_seeds_included_ends_every_process_within_30_s()
    {
        await using var cluster = await ProcessCluster.StartPartisanAsync(seeds: 3, others: 2, failureDetection: true);
        await cluster.ConnectClientAsync();
        var counters = Enumerable.Range(0, 40).Select(i => cluster.Client.GetGrain<IProcessCounterGrain>(i)).ToList();
        await Task.WhenAll(counters.Select(c => c.Increment()));

        var exits = await TerminateAsync(cluster.Silos);

        // Each stopped gracefully (its host's StopAsync returned) rather than being killed.
        Assert.All(cluster.Silos, s => Assert.Contains(s.Lines, l => l.StartsWith("STOPPED ", StringComparison.Ordinal)));
        output.WriteLine($"slowest exit {exits.Max().TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task A_silo_whose_table_is_unreachable_ends_within_30_s_of_sigterm()
    {
        await using var cluster = await ProcessCluster.StartPartisanAsync(seeds: 3, others: 1, failureDetection: false);

        // Two of three seeds gone: the table can be neither read nor written.
        cluster.Silos[0].Kill();
        cluster.Silos[1].Kill();
        var exits = await TerminateAsync([cluster.Silos[3]]);

        Assert.Contains(cluster.Silos[3].Lines, l => l.StartsWith("STOPPED ", StringComparison.Ordinal));
        output.WriteLine($"exit {exits.Single().TotalSeconds:0.0} s after SIGTERM with the table unreachable");
    }

    /// <summary>Sends SIGTERM to every silo of <paramref name="silos"/> at once and waits for each process to exit within <see cref="Bound"/>; returns when each exited.</summary>
    private async Task<TimeSpan[]> TerminateAsync(IReadOnlyList<SiloProcess> silos)
    {
        var watch = Stopwatch.StartNew();
        foreach (var silo in silos)
        {
            silo.Terminate();
        }

        using var deadline = new CancellationTokenSource(Bound);
        var exits = await Task.WhenAll(silos.Select(async silo =>
        {
            try
            {
                await silo.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                foreach (var line in silo.LogLines.TakeLast(100))
                {
                    output.WriteLine($"{silo.Name}: {line}");
                }

                Assert.Fail($"{silo.Name} did not exit within {Bound} of SIGTERM. {silo.Describe()}");
            }

            var exited = watch.Elapsed;
            output.WriteLine($"{silo.Name} exited {exited.TotalSeconds:0.0} s after SIGTERM ({silo.Lines.LastOrDefault(l => l.StartsWith("STOPPED ", StringComparison.Ordinal)) ?? "no STOPPED line"})");
            return exited;
        }));
        return exits;
    }
}

using System.Diagnostics;
using Orleans.Partisan.ProcessHost;
using Xunit.Abstractions;

namespace Orleans.Partisan.ProcessTests;

/// <summary>
/// A silo frozen with SIGSTOP: its process runs nothing but its sockets stay open, so no connection closes. The
/// overlay's heartbeat finds it silent, and the failure detector, through witnesses, has it declared dead.
/// </summary>
public sealed class FrozenSiloProcessTests(ITestOutputHelper output)
{
    /// <summary>Issue 12's bound: dead at every survivor within 10 s of SIGSTOP.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_non_seed_frozen_with_sigstop_under_grain_traffic_is_declared_dead_by_every_survivor_within_10_s()
    {
        var watch = Stopwatch.StartNew();
        await using var cluster = await ProcessCluster.StartPartisanAsync(seeds: 3, others: 2, failureDetection: true, extra: new Dictionary<string, string> { ["PartisanLogLevel"] = "Information" });
        await cluster.ConnectClientAsync();
        var counters = Enumerable.Range(0, 40).Select(i => cluster.Client.GetGrain<IProcessCounterGrain>(i)).ToList();
        await Task.WhenAll(counters.Select(c => c.Increment()));
        var victim = cluster.Silos[4];
        var survivors = cluster.Silos.Take(4).ToList();

        // Every survivor's overlay is connected to the victim before it freezes.
        await Task.WhenAll(survivors.Select(s => s.WaitForLineAsync(l => l == $"NODEUP {victim.SiloAddress}", ProcessCluster.Timeout, $"NODEUP of {victim.Name}")));
        output.WriteLine($"3 seeds + 2 silos ready, client connected, overlay connected after {watch.Elapsed.TotalSeconds:0.0} s");

        await using var traffic = GrainTraffic.Start(counters);
        await traffic.WaitForCallsAsync(100);
        victim.Freeze();
        watch.Restart();
        try
        {
            var seen = survivors.Select(async s =>
            {
                await s.WaitForLineAsync(l => l.StartsWith($"NODEDOWN {victim.SiloAddress} ", StringComparison.Ordinal), Remaining(), $"NODEDOWN of {victim.Name}");
                var down = watch.Elapsed;
                await s.WaitForLineAsync(l => l == $"STATUS {victim.SiloAddress} Dead", Remaining(), $"STATUS of {victim.Name} Dead");
                output.WriteLine($"{s.Name}: nodedown {down.TotalSeconds:0.0} s, Dead {watch.Elapsed.TotalSeconds:0.0} s after SIGSTOP");
            });
            await Task.WhenAll(seen);
            output.WriteLine($"{victim.Name} declared dead by every survivor {watch.Elapsed.TotalSeconds:0.0} s after SIGSTOP");

            // Nothing closed: the overlay found the victim silent. A survivor whose own heartbeat timeout had not fired
            // yet learns of the death from the membership table instead (another survivor's detector wrote it Dead),
            // and reports the victim Left; none may report a closed connection.
            Assert.All(survivors, s => Assert.Contains(
                s.Lines,
                l => l == $"NODEDOWN {victim.SiloAddress} HeartbeatTimeout" || l == $"NODEDOWN {victim.SiloAddress} Left"));
            Assert.Contains(survivors, s => s.Lines.Contains($"NODEDOWN {victim.SiloAddress} HeartbeatTimeout"));
        }
        finally
        {
            victim.Thaw();
            foreach (var s in survivors)
            {
                output.WriteLine($"--- {s.Name}");
                foreach (var line in s.LogLines.Where(l => l.Contains("Partisan", StringComparison.Ordinal) || l.Contains("Membership", StringComparison.Ordinal)).TakeLast(12))
                {
                    output.WriteLine(line);
                }
            }
        }

        TimeSpan Remaining() => Bound > watch.Elapsed ? Bound - watch.Elapsed : TimeSpan.Zero;

        // Resumed, the victim learns that it was declared dead and stops itself, as Orleans requires: its StallRefresh has
        // Orleans read the table as soon as it runs again (2.5-2.8 s from the verdict to the exit; 37.5 s without it, when
        // Orleans' own refresh every minute, TableRefreshTimeout, told it). The bound leaves room for that refresh.
        using (var exit = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            await victim.WaitForExitAsync(exit.Token);
        }

        output.WriteLine($"{victim.Name} exited by itself {watch.Elapsed.TotalSeconds:0.0} s after SIGSTOP");

        // The survivors serve every counter, and none of them was declared dead or stopped.
        var calls = traffic.Calls;
        await traffic.WaitForCallsAsync(calls + 100);
        foreach (var counter in counters)
        {
            var (_, silo) = await ProcessCluster.CallAsync(() => counter.Increment(), "a counter's answer");
            Assert.NotEqual(victim.SiloAddress, silo);
        }

        Assert.All(survivors, s => Assert.False(s.HasExited, $"{s.Name} exited: {s.Describe()}"));
        Assert.All(survivors, s => Assert.DoesNotContain(survivors.SelectMany(o => o.Lines), l => l == $"STATUS {s.SiloAddress} Dead"));
    }
}

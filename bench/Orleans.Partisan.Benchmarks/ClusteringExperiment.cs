using System.Diagnostics;
using Orleans.Partisan.ProcessHost;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Issue 5's measurement, with silos as separate processes on loopback: how long a five-silo cluster
/// takes to form, and how long from kill -9 of a silo until every survivor sees it dead, for each
/// clustering set-up side by side in one run.
/// </summary>
internal static class ClusteringExperiment
{
    private const int Silos = 5;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>A clustering set-up: its name and the silo process settings of silo <c>i</c> (given the primary's port and the seeds).</summary>
    private sealed record Setup(string Name, Func<int, int, string[], Dictionary<string, string>> Settings);

    public static async Task RunAsync(string[] args, TextWriter output)
    {
        var rounds = args.Contains("--quick") ? 1 : 3;
        Setup[] setups =
        [
            new("Orleans development clustering, default options", (_, primary, _) => Development(primary, failureDetection: false)),
            new("development clustering + overlay failure detector", (_, primary, _) => Development(primary, failureDetection: true)),
            new("storage-free clustering (3 seeds), Orleans' detection only", (i, _, seeds) => Partisan(i, seeds, failureDetection: false)),
            new("storage-free clustering (3 seeds) + overlay failure detector", (i, _, seeds) => Partisan(i, seeds, failureDetection: true)),
        ];

        output.WriteLine("# Orleans.Partisan clustering experiment");
        output.WriteLine();
        output.WriteLine("Command: `dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- " + string.Join(' ', args) + "`");
        output.WriteLine();
        output.WriteLine($"{Silos} silos, each its own process on loopback; {rounds} rounds per set-up. Formed: from launching the");
        output.WriteLine($"processes until every silo reports all {Silos} active. Dead: from SIGKILL of a silo (not a primary or seed)");
        output.WriteLine("until every survivor reports it dead. The first three silos are the seeds of storage-free clustering,");
        output.WriteLine("and silo 0 the primary of development clustering; the last silo is killed.");
        output.WriteLine();
        output.WriteLine("| set-up | formed (s), each round | dead after kill -9 (s), each round |");
        output.WriteLine("| --- | --- | --- |");
        foreach (var setup in setups)
        {
            var formed = new List<double>();
            var dead = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                var (f, d) = await MeasureAsync(setup);
                formed.Add(f);
                dead.Add(d);
            }

            output.WriteLine($"| {setup.Name} | {string.Join(", ", formed.Select(v => v.ToString("0.0")))} | {string.Join(", ", dead.Select(v => v.ToString("0.0")))} |");
        }
    }

    private static Dictionary<string, string> Development(int primaryPort, bool failureDetection) => new()
    {
        ["Clustering"] = "Development",
        ["PrimaryPort"] = primaryPort.ToString(),
        ["FailureDetection"] = failureDetection.ToString(),
        ["ClusterId"] = "bench-clustering",
    };

    /// <summary>Silo <paramref name="index"/> of a storage-free cluster whose first silos are the <paramref name="seeds"/>, each with a fresh data directory.</summary>
    private static Dictionary<string, string> Partisan(int index, string[] seeds, bool failureDetection)
    {
        var settings = new Dictionary<string, string>
        {
            ["Clustering"] = "Partisan",
            ["Seeds"] = string.Join(",", seeds),
            ["FailureDetection"] = failureDetection.ToString(),
            ["ClusterId"] = "bench-clustering",
        };
        if (index < seeds.Length)
        {
            settings["ConsensusEndpoint"] = seeds[index];
            settings["DataDirectory"] = Directory.CreateTempSubdirectory("partisan-bench-seed-").FullName;
        }

        return settings;
    }

    private static async Task<(double Formed, double Dead)> MeasureAsync(Setup setup)
    {
        var primaryPort = SiloProcess.FreePort();
        var seeds = Enumerable.Range(0, 3).Select(_ => $"127.0.0.1:{SiloProcess.FreePortPair()}").ToArray();
        var silos = new List<SiloProcess>();
        var settings = Enumerable.Range(0, Silos).Select(i => setup.Settings(i, primaryPort, seeds)).ToList();
        try
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < Silos; i++)
            {
                silos.Add(SiloProcess.Start($"silo{i}", settings[i], siloPort: i == 0 ? primaryPort : null));
            }

            await Task.WhenAll(silos.Select(s => s.WaitReadyAsync(Timeout)));
            await Task.WhenAll(silos.Select(observer => Task.WhenAll(silos.Select(s => observer.WaitForLineAsync(l => l == $"STATUS {s.SiloAddress} Active", Timeout, $"{s.Name} active")))));
            var formed = watch.Elapsed.TotalSeconds;

            var victim = silos[^1];
            victim.Kill();
            watch.Restart();
            await Task.WhenAll(silos.Where(s => s != victim).Select(o => o.WaitForLineAsync(l => l == $"STATUS {victim.SiloAddress} Dead", Timeout, $"{victim.Name} dead")));
            return (formed, watch.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }

            foreach (var data in settings.Select(s => s.GetValueOrDefault("DataDirectory")).OfType<string>())
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}

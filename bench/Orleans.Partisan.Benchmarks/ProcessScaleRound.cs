using System.Diagnostics;
using System.Globalization;
using Orleans.Partisan.ProcessHost;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// One round of <see cref="ProcessScaleExperiment"/>: a fresh cluster of silo processes with storage-free clustering
/// (the first three the seeds) and the overlay's failure detector, the seeds launched first and then every other silo
/// at once; its formation, broadcasts
/// from one root, then SIGKILL of the last silo and SIGSTOP of the one before it. Every process is killed when the
/// round ends, whether it succeeded or not.
/// </summary>
internal sealed class ProcessScaleRound : IAsyncDisposable
{
    private const int Seeds = 3;

    /// <summary>How long the whole cluster may take to form: 16 processes starting at once on a shared 2-core machine.</summary>
    private static readonly TimeSpan FormationTimeout = TimeSpan.FromMinutes(6);

    /// <summary>
    /// How long a silo may take to answer a command: a seed of 16 silos forming on a loaded 2-core machine once took
    /// more than 30 s to answer VIEWS (its work queued behind the formation's), without being at fault.
    /// </summary>
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DetectionTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long after a broadcast's last delivery its other messages are counted: a lazy tick (1 s) sends the IHAVEs,
    /// a graft timeout (1 s) the GRAFTs they may cause; PRUNEs answer duplicates at once.
    /// </summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    private readonly List<SiloProcess> _silos = [];
    private readonly List<DirectoryInfo> _data = [];
    private readonly PartisanPeerService _overlay;
    private readonly TextWriter _progress;
    private readonly string? _siloLogLevel;
    private int _tags;

    private ProcessScaleRound(PartisanPeerService overlay, TextWriter progress, string? siloLogLevel) => (_overlay, _progress, _siloLogLevel) = (overlay, progress, siloLogLevel);

    /// <summary>
    /// Runs one round with <paramref name="count"/> silos (at least 5: three seeds and two victims) over <paramref name="overlay"/>.
    /// Every silo's output and log are written to a directory of their own when the round fails (its path and the
    /// silos that exited, with their exit codes and last log lines, are in the exception's message), and also when it
    /// succeeds if <paramref name="logs"/> names one; <paramref name="siloLogLevel"/> is the level of the overlay's log
    /// in the silos (<c>Warning</c> when <see langword="null"/>; <c>Information</c> shows the failure detector's checks).
    /// </summary>
    /// <exception cref="TimeoutException">A wait of the round timed out, or a silo exited before it should have.</exception>
    /// <exception cref="InvalidOperationException">A silo answered a command with <c>FAILED</c>.</exception>
    public static async Task<ProcessScaleResult> RunAsync(int count, PartisanPeerService overlay, int broadcasts, TextWriter progress, string? siloLogLevel = null, string? logs = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, Seeds + 2);
        await using var round = new ProcessScaleRound(overlay, progress, siloLogLevel);
        try
        {
            var result = await round.MeasureAsync(count, broadcasts);
            if (logs is not null)
            {
                progress.WriteLine($"> silo logs kept in {round.KeepLogs(logs, count)}");
            }

            return result;
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException)
        {
            var kept = round.KeepLogs(logs ?? Path.GetTempPath(), count);
            var exited = round._silos.Where(s => s.HasExited).Select(s => $"{s.Name}: {s.DescribeEnd(lines: 6)}").ToList();
            var what = exception.Message.Length > 400 ? exception.Message[..400] + "…" : exception.Message;
            var message = $"{what} Silos that exited: {(exited.Count == 0 ? "none" : string.Join("; ", exited))}. Every silo's output and log: {kept}";
            throw exception is TimeoutException ? new TimeoutException(message, exception) : new InvalidOperationException(message, exception);
        }
    }

    /// <summary>Writes every silo's protocol lines (<c>.out</c>) and log (<c>.log</c>) to a new directory under <paramref name="parent"/>; returns its path.</summary>
    private string KeepLogs(string parent, int count)
    {
        var directory = Directory.CreateDirectory(Path.Combine(parent, FormattableString.Invariant($"partisan-bench-scale-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{_overlay}-{count}")));
        foreach (var silo in _silos)
        {
            File.WriteAllLines(Path.Combine(directory.FullName, silo.Name + ".out"), silo.Lines);
            File.WriteAllLines(Path.Combine(directory.FullName, silo.Name + ".log"), silo.LogLines);
        }

        return directory.FullName;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        foreach (var data in _data)
        {
            data.Delete(recursive: true);
        }
    }

    private async Task<ProcessScaleResult> MeasureAsync(int count, int broadcasts)
    {
        // The seeds first, then every other silo at once: launched all together, 16 processes starting on two shared
        // cores starved the seeds' Raft group into elections, and no silo could join within minutes.
        var seeds = Enumerable.Range(0, Seeds).Select(_ => $"127.0.0.1:{SiloProcess.FreePortPair()}").ToArray();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Seeds; i++)
        {
            _silos.Add(SiloProcess.Start($"silo{i}", Settings(i, seeds)));
        }

        await Task.WhenAll(_silos.Select(s => s.WaitReadyAsync(FormationTimeout)));
        var seedsReady = watch.Elapsed.TotalSeconds;
        watch.Restart();
        for (var i = Seeds; i < count; i++)
        {
            _silos.Add(SiloProcess.Start($"silo{i}", Settings(i, seeds)));
        }

        await Task.WhenAll(_silos.Select(s => s.WaitReadyAsync(FormationTimeout)));
        var ready = watch.Elapsed.TotalSeconds;
        var remaining = FormationTimeout - watch.Elapsed;
        await Task.WhenAll(_silos.Select(o => Task.WhenAll(_silos.Select(s => o.WaitForLineAsync(l => l == $"STATUS {s.SiloAddress} Active", remaining, $"{s.Name} Active")))));
        var formed = watch.Elapsed.TotalSeconds;
        var overlay = await ConvergeAsync(_silos, watch);
        var converged = watch.Elapsed.TotalSeconds;
        var memory = _silos.Select(s => ResidentMiB(s.ProcessId)).Order().ToList();
        _progress.WriteLine(FormattableString.Invariant($"> {_overlay}, {count} silos: seeds ready {seedsReady:0.0} s; from launching the others: ready {ready:0.0} s, all Active {formed:0.0} s, overlay converged {converged:0.0} s; active views {string.Join(",", overlay.ActiveSizes)}; {overlay.Connections} overlay connections"));

        var root = _silos[0];
        var figures = new List<BroadcastFigures>();
        for (var b = 0; b < broadcasts; b++)
        {
            figures.Add(await BroadcastAsync(root, _silos));
        }

        _progress.WriteLine($"> broadcasts: last delivery (ms) {string.Join(", ", figures.Select(f => (f.LastDelivery * 1000).ToString("0", CultureInfo.InvariantCulture)))}; RMR {string.Join(", ", figures.Select(f => f.Rmr.ToString("0.00", CultureInfo.InvariantCulture)))}");

        var killed = _silos[^1];
        var survivors = _silos.Where(s => s != killed).ToList();
        var (killDead, killDowns, killFirstDown) = await DetectAsync(killed, survivors, s => s.Kill(), "SIGKILL");
        var stopped = _silos[^2];
        survivors.Remove(stopped);
        var (stopDead, stopDowns, stopFirstDown) = await DetectAsync(stopped, survivors, s => s.Freeze(), "SIGSTOP");
        var stopExit = await ThawAsync(stopped);
        var after = await BroadcastAsync(root, survivors);
        _progress.WriteLine(FormattableString.Invariant($"> Dead everywhere after SIGKILL {killDead:0.0} s, after SIGSTOP {stopDead:0.0} s; stopped silo exited {stopExit:0.0} s after SIGCONT; broadcast to the {survivors.Count} survivors: last delivery {after.LastDelivery * 1000:0} ms, RMR {after.Rmr:0.00}"));
        return new ProcessScaleResult
        {
            SeedsReady = seedsReady,
            Ready = ready,
            Formed = formed,
            Converged = converged,
            Overlay = overlay,
            ResidentMiB = memory,
            Broadcasts = figures,
            KillDead = killDead,
            KillNodeDowns = killDowns,
            KillFirstNodeDown = killFirstDown,
            StopDead = stopDead,
            StopNodeDowns = stopDowns,
            StopFirstNodeDown = stopFirstDown,
            StopExit = stopExit,
            AfterFailures = after,
        };
    }

    private Dictionary<string, string> Settings(int index, string[] seeds)
    {
        var settings = new Dictionary<string, string>
        {
            ["Clustering"] = "Partisan",
            ["Seeds"] = string.Join(",", seeds),
            ["FailureDetection"] = "true",
            ["PeerService"] = _overlay.ToString(),
            ["ClusterId"] = "bench-scale",
        };
        if (_siloLogLevel is not null)
        {
            settings["PartisanLogLevel"] = _siloLogLevel;
        }
        if (index < seeds.Length)
        {
            var data = Directory.CreateTempSubdirectory("partisan-bench-seed-");
            _data.Add(data);
            settings["ConsensusEndpoint"] = seeds[index];
            settings["DataDirectory"] = data.FullName;
        }

        return settings;
    }

    /// <summary>Asks every silo for its views every <see cref="PollInterval"/> until the overlay has converged; fails at the formation timeout naming what is missing.</summary>
    private async Task<OverlaySnapshot> ConvergeAsync(IReadOnlyList<SiloProcess> silos, Stopwatch sinceLaunch)
    {
        var fullMesh = _overlay == PartisanPeerService.FullMesh;
        var minActive = new HyParViewOptions().MinActiveViewSize;
        string? why;
        do
        {
            var tag = NextTag("v");
            var answers = await Task.WhenAll(silos.Select(async s => (s.SiloAddress!, await s.CommandAsync("VIEWS", tag, CommandTimeout))));
            var snapshot = OverlaySnapshot.Parse(answers.ToDictionary(a => a.Item1, a => a.Item2));
            why = snapshot.Unconverged(fullMesh, minActive);
            if (why is null)
            {
                return snapshot;
            }

            await Task.Delay(PollInterval);
        }
        while (sinceLaunch.Elapsed < FormationTimeout);
        throw new TimeoutException($"The {_overlay} overlay of {silos.Count} silos did not converge within {FormationTimeout} of launch: {why}.");
    }

    /// <summary>Broadcasts from <paramref name="root"/> and times its delivery at every other silo of <paramref name="silos"/>; counts the messages it cost.</summary>
    private async Task<BroadcastFigures> BroadcastAsync(SiloProcess root, IReadOnlyList<SiloProcess> silos)
    {
        var before = await StatsAsync(silos);
        var tag = NextTag("b");
        await root.CommandAsync("BROADCAST", tag, CommandTimeout);
        var start = Timestamp(await root.WaitForLineAsync(l => l.StartsWith($"BROADCASTING {tag} ", StringComparison.Ordinal), CommandTimeout, $"BROADCASTING {tag}"));
        var delivered = await Task.WhenAll(silos.Where(s => s != root).Select(s => s.WaitForLineAsync(l => l.StartsWith($"DELIVERED {tag} ", StringComparison.Ordinal), DeliveryTimeout, $"DELIVERED {tag}")));
        var seconds = delivered.Select(l => (double)(Timestamp(l) - start) / Stopwatch.Frequency).Order().ToList();
        await Task.Delay(Settle);
        var after = await StatsAsync(silos);
        long Sent(string kind) => silos.Sum(s => after[s][kind] - before[s][kind]);
        return new BroadcastFigures(seconds[^1], seconds[seconds.Count / 2], (Sent("gossip") / (silos.Count - 1.0)) - 1, Sent("ihave"), Sent("graft"), Sent("prune"));
    }

    private async Task<Dictionary<SiloProcess, Dictionary<string, long>>> StatsAsync(IReadOnlyList<SiloProcess> silos)
    {
        var tag = NextTag("s");
        var answers = await Task.WhenAll(silos.Select(async s => (s, await s.CommandAsync("STATS", tag, CommandTimeout))));
        return answers.ToDictionary(
            a => a.s,
            a => a.Item2.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split('=')).ToDictionary(f => f[0], f => long.Parse(f[1], CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// Signals <paramref name="victim"/> and waits until every survivor reports it Dead: the seconds that took, and how
    /// many survivors' overlays reported it down meanwhile (a node with no connection to it has nothing to report).
    /// </summary>
    private async Task<(double Dead, int NodeDowns, double FirstNodeDown)> DetectAsync(SiloProcess victim, IReadOnlyList<SiloProcess> survivors, Action<SiloProcess> signal, string kind)
    {
        var seen = survivors.ToDictionary(s => s, s => s.Lines.Count);
        var deadLine = $"STATUS {victim.SiloAddress} Dead";
        var down = $"NODEDOWN {victim.SiloAddress} ";
        var watch = Stopwatch.StartNew();
        signal(victim);

        // The wall-clock time of the signal, to read beside the silos' logs (their lines carry the time of day).
        _progress.WriteLine(FormattableString.Invariant($"> {kind} {victim.Name} ({victim.SiloAddress}) at {DateTime.Now:HH:mm:ss.fff}"));
        var downs = await Task.WhenAll(survivors.Select(WatchAsync));
        var dead = watch.Elapsed.TotalSeconds;
        var firstDown = downs.Where(d => d is not null).Select(d => d!.Value).DefaultIfEmpty(double.NaN).Min();
        _progress.WriteLine(FormattableString.Invariant($"> {kind}: first nodedown after {firstDown:0.0} s, Dead everywhere after {dead:0.0} s"));
        return (dead, survivors.Count(s => s.Lines.Skip(seen[s]).Any(l => l.StartsWith(down, StringComparison.Ordinal))), firstDown);

        // When the survivor's overlay reported the victim down (null if it learned of the death first), once it reports it Dead.
        async Task<double?> WatchAsync(SiloProcess survivor)
        {
            var first = await survivor.WaitForLineAsync(l => l == deadLine || l.StartsWith(down, StringComparison.Ordinal), DetectionTimeout, $"{victim.Name} down or Dead after {kind}", seen[survivor]);
            if (first == deadLine)
            {
                return null;
            }

            var downAt = watch.Elapsed.TotalSeconds;
            await survivor.WaitForLineAsync(l => l == deadLine, DetectionTimeout - watch.Elapsed, $"{victim.Name} Dead after {kind}", seen[survivor]);
            return downAt;
        }
    }

    /// <summary>Resumes a stopped silo, which finds itself declared dead and stops; kills it if it has not within <see cref="ExitTimeout"/> (then infinity).</summary>
    private async Task<double> ThawAsync(SiloProcess stopped)
    {
        var watch = Stopwatch.StartNew();
        stopped.Thaw();
        using var deadline = new CancellationTokenSource(ExitTimeout);
        try
        {
            await stopped.WaitForExitAsync(deadline.Token);
            return watch.Elapsed.TotalSeconds;
        }
        catch (OperationCanceledException)
        {
            _progress.WriteLine($"> {stopped.Name} did not stop by itself within {ExitTimeout.TotalSeconds:0} s of SIGCONT; killed");
            stopped.Kill();
            return double.PositiveInfinity;
        }
    }

    private static long Timestamp(string line) => long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);

    /// <summary>The resident memory of process <paramref name="pid"/> (Linux <c>/proc/&lt;pid&gt;/status</c>, VmRSS), in MiB; NaN elsewhere.</summary>
    private static double ResidentMiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    private string NextTag(string kind) => kind + Interlocked.Increment(ref _tags).ToString(CultureInfo.InvariantCulture);
}

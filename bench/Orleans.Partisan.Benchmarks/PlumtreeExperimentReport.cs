using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Orleans.Partisan.Benchmarks;

/// <summary>Prints the Plumtree experiment as markdown: settings and machine, steady state, the failure table, the cost.</summary>
internal sealed class PlumtreeExperimentReport(PlumtreeExperimentSettings settings, TextWriter output)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The command, the seed, the size, the options and the machine.</summary>
    public void Header(IReadOnlyList<string> args)
    {
        var o = PlumtreeExperimentRun.Options;
        var h = HyParViewExperimentOverlay.Options;
        var net = HyParViewExperimentOverlay.Network;
        Line($"### Plumtree at {settings.Nodes:N0} nodes (simulation)");
        Line();
        Line($"Command: `dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- {string.Join(' ', args)}`");
        Line();
        Line($"- seed {settings.Seed}, {settings.Nodes:N0} nodes over HyParView (active {h.ActiveViewSize}, passive {h.PassiveViewSize}, the DSN 2007 parameters), built as in the HyParView experiment: joins 20 ms apart, then {settings.StabiliseRounds} shuffle rounds");
        Line($"- Plumtree: lazy tick {Seconds(o.LazyTickInterval)}, first graft timer {Seconds(o.GraftTimeout)}, second {Seconds(o.SecondGraftTimeout)}, optimisation threshold {o.OptimizationThreshold}; no anti-entropy exchange (the protocol alone, as in the paper); flooding: every new message to every neighbour but its sender");
        Line($"- both protocols run on every node side by side, over the same overlay, in the same run; network: latency {net.MinLatency.TotalMilliseconds:0}–{net.MaxLatency.TotalMilliseconds:0} ms per message, no loss, FIFO per link; timer jitter up to {net.TimerJitter.TotalMilliseconds:0} ms");
        Line($"- {settings.Roots} random roots, each with its own tree; {settings.WarmupRounds} warm-up rounds (every root broadcasts once with each protocol, 2 s apart), then {settings.MeasuredRounds} measured rounds; a measured broadcast is counted {settings.HorizonTicks} s (lazy ticks) after it was sent");
        Line($"- failures of {string.Join(", ", settings.FailurePercents)} %: the surviving roots broadcast at the instant of the crash (before any node noticed it) and {settings.HorizonTicks} s later, then again after {settings.HealRounds} HyParView rounds ({Seconds(settings.HealRounds * HyParViewExperimentOverlay.Round)}) of healing");
        Line($"- reliability: the fraction of the live nodes that delivered; RMR = m/(n-1) - 1 with m the payload (GOSSIP) messages sent for the broadcast and n the nodes that delivered it; last delivery hop: the largest round at which a node delivered it");
        Line($"- machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}; runtime {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, build {Configuration()}");
        Line();
    }

    /// <summary>The steady state (from the first run: every run is the same up to its failure), then each failure's phases, then the cost.</summary>
    public void Results(IReadOnlyList<PlumtreeExperimentResult> results)
    {
        var first = results[0];
        var sameOverlay = results.All(r => r.AttachHash == first.AttachHash);
        Line("#### Steady state");
        Line();
        Header();
        var (_, plumtree, flood) = first.Phases[0];
        Row("", plumtree);
        Row("", flood);
        Line();
        Line(sameOverlay
            ? $"Every run built the same overlay (trace hash {first.AttachHash:x16} when the protocols were added), so this is every run's steady state."
            : "WARNING: the runs built different overlays (trace hashes differ); the steady state shown is the first run's.");
        Line();
        Line("#### After a simultaneous failure");
        Line();
        Line("| failed | phase | protocol | broadcasts | reliability mean (min) | all reached | RMR | last delivery hop mean (max) | payload msgs / broadcast | control msgs / broadcast |");
        Line("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var result in results)
        {
            foreach (var (phase, p, f) in result.Phases.Skip(1))
            {
                Row($"{result.Percent} % | {phase} | ", p, withPhase: true);
                Row($"{result.Percent} % | {phase} | ", f, withPhase: true);
            }
        }

        Line();
        Line("| failed | crashed | survivors | roots alive (of " + settings.Roots.ToString(Invariant) + ") | build | broadcasts, failure, healing | counters at the end |");
        Line("| ---: | ---: | ---: | ---: | --- | --- | --- |");
        foreach (var r in results)
        {
            Line($"| {r.Percent} % | {r.Crashed:N0} | {r.Survivors:N0} | {r.WarmRoots} | {r.Build.Describe(0)} | {r.Run.Describe(0)} | {r.Counters} |");
        }

        Line();
    }

    /// <summary>The total time.</summary>
    public void Footer(TimeSpan total)
    {
        Line($"Total wall time {total.TotalSeconds:0} s.");
        Line();
    }

    private void Header()
    {
        Line("| protocol | broadcasts | reliability mean (min) | all reached | RMR | last delivery hop mean (max) | payload msgs / broadcast | control msgs / broadcast |");
        Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    }

    private void Row(string prefix, PlumtreeExperimentSample s, bool withPhase = false)
    {
        var cells = $"{s.Protocol} | {s.Broadcasts} | {Percent(s.ReliabilityMean)} ({Percent(s.ReliabilityMin)}) | {s.Complete}/{s.Broadcasts} | {F(s.RmrMean, 3)} | {F(s.LastHopMean, 1)} ({s.LastHopMax}) | {F(s.PayloadPerBroadcast, 0)} | {F(s.ControlPerBroadcast, 0)} |";
        Line(withPhase ? $"| {prefix}{cells}" : $"| {cells}");
    }

    /// <summary>A fraction in percent; "100.0 %" only when it is exactly 1 (just below shows as 99.99 % at most).</summary>
    private static string Percent(double fraction)
        => double.IsNaN(fraction) ? "-"
            : fraction is >= 0.9995 and < 1
                ? (Math.Floor(fraction * 10_000) / 100).ToString("0.00", Invariant) + " %"
                : (fraction * 100).ToString("0.0", Invariant) + " %";

    private static string F(double value, int decimals) => double.IsNaN(value) ? "-" : value.ToString("F" + decimals.ToString(Invariant), Invariant);

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.#", Invariant) + " s";

    private void Line(string text = "") => output.WriteLine(text);

    private static string Configuration()
    {
#if DEBUG
        return "Debug (times not meaningful)";
#else
        return "Release";
#endif
    }
}

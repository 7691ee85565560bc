using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Orleans.Partisan.Benchmarks;

/// <summary>Prints the HyParView experiment as markdown: the settings and the machine, the steady state, the failure tables.</summary>
internal sealed class HyParViewExperimentReport(HyParViewExperimentSettings settings, TextWriter output)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The command, the seed, the size, the options and the machine.</summary>
    public void Header(IReadOnlyList<string> args)
    {
        var o = HyParViewExperimentOverlay.Options;
        var net = HyParViewExperimentOverlay.Network;
        Line($"## HyParView at {settings.Nodes:N0} nodes (simulation)");
        Line();
        Line($"Command: `dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- {string.Join(' ', args)}`");
        Line();
        Line($"- seed {settings.Seed}, {settings.Nodes:N0} nodes; failures of {string.Join(", ", settings.FailurePercents)} %, each measured right after the crash, 1 s later and after each of {settings.RoundsAfterFailure} rounds");
        Line($"- HyParView options: active {o.ActiveViewSize} (min {o.MinActiveViewSize}), passive {o.PassiveViewSize}, ARWL {o.ActiveRandomWalkLength}, PRWL {o.PassiveRandomWalkLength}, shuffle {o.ShuffleActiveCount} active + {o.ShufflePassiveCount} passive every {Seconds(o.ShuffleInterval)}, promotion every {Seconds(o.PromotionInterval)}, neighbour timeout {Seconds(o.NeighborTimeout)}");
        Line($"- round = one shuffle interval ({Seconds(HyParViewExperimentOverlay.Round)}) of virtual time; network: latency {net.MinLatency.TotalMilliseconds:0}–{net.MaxLatency.TotalMilliseconds:0} ms per message, no loss, timer jitter up to {net.TimerJitter.TotalMilliseconds:0} ms; failure detection: a crashed node's neighbours get `PeerDown` one latency after the crash (connection reset)");
        Line($"- overlay: node i joins through a random node of 0..i-1, {settings.JoinGap.TotalMilliseconds:0} ms of virtual time apart, then {settings.StabiliseRounds} rounds and until quiescent");
        Line($"- floods from {settings.FloodSources} random live nodes per point (mean reported), shortest paths from {settings.PathSources} random nodes; {settings.Parallelism} failure run(s) at a time");
        Line($"- machine: {Environment.ProcessorCount} logical cores, {CpuModel()}, {RuntimeInformation.OSDescription}; load average at start {MachineLoad.LoadAverage()}");
        Line($"- runtime: {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, build {Configuration()}");
        Line();
    }

    /// <summary>The figures of the stable overlay and the cost of building it.</summary>
    public void SteadyState(
        HyParViewExperimentSteadyState steady,
        string counters,
        (HyParViewExperimentPhase Cost, TimeSpan Virtual, long Steps) joined,
        (HyParViewExperimentPhase Cost, TimeSpan Virtual, long Steps) stabilised,
        HyParViewExperimentPhase measured)
    {
        Line("### Steady state");
        Line();
        Line("| phase | virtual time | simulator events | wall time, allocations, GC |");
        Line("| --- | ---: | ---: | --- |");
        Line($"| {settings.Nodes:N0} joins | {Seconds(joined.Virtual)} | {joined.Steps:N0} | {joined.Cost.Describe(joined.Steps)} |");
        Line($"| {settings.StabiliseRounds} rounds, then quiescent | {Seconds(stabilised.Virtual)} | {stabilised.Steps:N0} | {stabilised.Cost.Describe(stabilised.Steps)} |");
        Line($"| graph measures | | | {measured.Describe(0)} |");
        Line();
        Line($"- messages: {counters}");
        Line($"- active-view in-degree: min {steady.InDegree.Min}, max {steady.InDegree.Max}, mean {F(steady.InDegree.Mean, 2)}, stddev {F(steady.InDegree.StdDev, 2)}; active-view size: min {steady.ActiveViewSize.Min}, max {steady.ActiveViewSize.Max}, mean {F(steady.ActiveViewSize.Mean, 2)}");
        Line($"- in-degree histogram (in-degree: nodes): {string.Join(", ", steady.InDegreeHistogram.Select((n, d) => (n, d)).Where(x => x.n > 0).Select(x => $"{x.d}: {x.n:N0}"))}");
        Line($"- mean shortest path {F(steady.MeanPath, 2)} hops (from {steady.PathSources} sources to every node), longest seen {steady.LongestPath}");
        Line($"- {steady.Components} connected component(s); a flood reaches {Percent(steady.Reliability)} of the nodes");
        Line();
    }

    /// <summary>The reliability table, the components table and the wall time of each failure run.</summary>
    public void Failures(IReadOnlyList<HyParViewFailureResult> results, ulong stableHash, TimeSpan swept)
    {
        var rounds = settings.RoundsAfterFailure;
        Line("### Flood reliability after a simultaneous failure");
        Line();
        Line("Mean fraction of the survivors reached by a flood over the survivors' active views (a dead neighbour delivers nothing), from "
            + $"{settings.FloodSources} random survivors; *right after*: the views as the crash left them, before any node noticed it.");
        Line();
        var header = "| failed | right after | 1 s | " + string.Join(" | ", Enumerable.Range(1, rounds).Select(r => $"round {r}")) + " | rounds to one component | rounds to complete floods |";
        Line(header);
        Line("| ---: " + string.Concat(Enumerable.Repeat("| ---: ", rounds + 4)) + "|");
        foreach (var r in results)
        {
            Line($"| {r.Percent} % | {Percent(r.Immediate.Reliability)} | {Percent(r.AfterOneSecond.Reliability)} | "
                + string.Join(" | ", r.Rounds.Select(s => Percent(s.Reliability)))
                + $" | {Rounds(r.RoundsToOneComponent, r.AfterOneSecond.Components == 1)} | {Rounds(r.RoundsToCompleteFloods, r.AfterOneSecond.EveryFloodComplete)} |");
        }

        Line();
        Line("The paper (Leitão, Pereira, Rodrigues, DSN 2007, §5: 10,000 simulated nodes, the same options), "
            + "qualitatively: broadcast reliability stays near 100 % with very large fractions of the nodes failing at once, "
            + "and the overlay heals within a few rounds. No per-fraction figure of the paper is quoted here: none was at hand to check.");
        Line();
        Line("Components of the survivors' active-view graph (count / nodes without a live neighbour):");
        Line();
        var shown = Math.Min(rounds, 3);
        Line("| failed | survivors | right after | 1 s | " + string.Join(" | ", Enumerable.Range(1, shown).Select(r => $"round {r}")) + $" | round {rounds} | lowest flood reach right after |");
        Line("| ---: " + string.Concat(Enumerable.Repeat("| ---: ", shown + 5)) + "|");
        foreach (var r in results)
        {
            Line($"| {r.Percent} % | {r.Survivors:N0} | {Parts(r.Immediate)} | {Parts(r.AfterOneSecond)} | "
                + string.Join(" | ", r.Rounds.Take(shown).Select(Parts))
                + $" | {Parts(r.Rounds[^1])} | {Percent(r.Immediate.MinReliability)} |");
        }

        Line();
        foreach (var r in results.Where(r => r.Stranded.Count > 0))
        {
            Line($"- {r.Percent} % failed: {r.Stranded.Count} survivor(s) without a live neighbour after round {rounds}; their passive views hold {F(r.Stranded.LivePassive, 1)} live node(s) on average, and {F(r.Stranded.KnownBy, 1)} live node(s) hold them in a view.");
        }

        Line();
        var same = results.All(r => r.BuildHash == stableHash);
        Line(same
            ? $"Every failure run rebuilt the overlay measured above (the simulator's trace hash once stable: {stableHash:x16} in every run)."
            : $"WARNING: the failure runs did not all rebuild the same overlay (trace hashes {string.Join(", ", results.Select(r => $"{r.Percent} %: {r.BuildHash:x16}"))}; steady state {stableHash:x16}).");
        Line();
        Line($"Wall time of the failure runs: {Seconds(swept)} for all, {settings.Parallelism} at a time; each rebuilds the overlay from the seed:");
        Line();
        Line("| failed | build + stabilise | crash + rounds | events after the crash | messages (whole run) |");
        Line("| ---: | --- | --- | ---: | --- |");
        foreach (var r in results)
        {
            Line($"| {r.Percent} % | {r.Build.Describe(r.BuildSteps)} | {r.Failure.Describe(r.FailureSteps)} | {r.FailureSteps:N0} | {r.Counters} |");
        }

        Line();
    }

    /// <summary>The whole run's wall time.</summary>
    public void Footer(TimeSpan total)
    {
        Line($"Whole run: {Seconds(total)}; load average at the end {MachineLoad.LoadAverage()}.");
        Line();
    }

    private static string Parts(HyParViewFailureSample s) => $"{s.Components} / {s.Isolated}";

    private static string Rounds(int? rounds, bool atOneSecond)
        => rounds switch
        {
            null => "not within the rounds run",
            1 when atOneSecond => "1 (already at 1 s)",
            _ => rounds.Value.ToString(Invariant),
        };

    /// <summary>A fraction in percent; "100.0 %" only when it is exactly 1 (just below shows as 99.99 % at most).</summary>
    private static string Percent(double fraction)
        => fraction is >= 0.9995 and < 1
            ? (Math.Floor(fraction * 10_000) / 100).ToString("0.00", Invariant) + " %"
            : (fraction * 100).ToString("0.0", Invariant) + " %";

    private static string F(double value, int decimals) => value.ToString("F" + decimals.ToString(Invariant), Invariant);

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString(time.TotalSeconds >= 100 ? "0" : "0.0", Invariant) + " s";

    private void Line(string text = "") => output.WriteLine(text);

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown CPU" : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "unknown CPU";
        }
    }

    private static string Configuration()
    {
#if DEBUG
        return "Debug (times not meaningful)";
#else
        return "Release";
#endif
    }
}

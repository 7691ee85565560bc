using Orleans.Partisan.Protocols.Broadcast;
using Orleans.Partisan.Simulation;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// One run of the Plumtree experiment: the HyParView overlay of the seed, Plumtree and flooding added to
/// every node side by side (no anti-entropy exchange: the protocols alone, as in the paper), trees warmed
/// up from a few roots, steady state measured, a fraction of the nodes crashed at once, broadcasts made
/// right after the crash (before the overlay heals) and again after healing rounds.
/// </summary>
internal static class PlumtreeExperimentRun
{
    /// <summary>Plumtree's options in the experiment: the defaults (lazy tick 1 s, graft timers 1 s and 0.5 s, threshold 3).</summary>
    public static readonly PlumtreeOptions Options = new();

    /// <summary>Runs the failure of <paramref name="percent"/> % of the nodes.</summary>
    public static PlumtreeExperimentResult Run(PlumtreeExperimentSettings settings, int percent)
    {
        var meter = HyParViewExperimentPhase.Start();
        var sim = HyParViewExperimentOverlay.Build(settings.Overlay);
        var built = meter.Stop();
        meter = HyParViewExperimentPhase.Start();

        var attachHash = sim.TraceHash;
        var plumtree = sim.AddBroadcast("plumtree", static (name, random) => new PlumtreeCore(name, Options, random), exchanges: false);
        var flood = sim.AddBroadcast("flood", static (name, random) => new FloodCore(name, Options, random), exchanges: false);
        var roots = PickRoots(sim, settings);
        var phases = new List<(string, PlumtreeExperimentSample, PlumtreeExperimentSample)>();

        for (var round = 0; round < settings.WarmupRounds; round++)
        {
            Round(sim, plumtree, flood, roots, 2);
        }

        phases.Add(Measure("steady state", sim, plumtree, flood, roots, settings));
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        PlumtreeExperiment.Progress($"{percent} %: steady state measured, {sim.Steps:N0} events; live heap {heap / 1e6:N0} MB, {heap / sim.Count:N0} B per node (every run in this process; HyParView, Plumtree and flooding)");

        var crashed = sim.CrashMany(percent / 100.0);
        var warm = roots.Where(r => sim[r].Alive).ToList();
        var broadcasters = warm.Count > 0 ? warm : [FallbackRoot(sim)];
        phases.Add(Measure("right after the failure", sim, plumtree, flood, broadcasters, settings, rounds: 1));
        phases.Add(Measure("next broadcast", sim, plumtree, flood, broadcasters, settings, rounds: 1));

        sim.RunFor(settings.HealRounds * HyParViewExperimentOverlay.Round);
        phases.Add(Measure($"after {settings.HealRounds} healing rounds", sim, plumtree, flood, broadcasters, settings, rounds: 1));
        phases.Add(Measure("after healing, next broadcast", sim, plumtree, flood, broadcasters, settings, rounds: 1));

        return new PlumtreeExperimentResult(
            percent,
            crashed.Length,
            sim.LiveCount,
            warm.Count,
            attachHash,
            phases,
            built,
            meter.Stop(),
            $"plumtree: {plumtree.Counters}; flood: {flood.Counters}; network: {sim.Counters}");
    }

    /// <summary>Each root broadcasts once with each protocol, at the same instant; then <paramref name="ticks"/> lazy ticks pass.</summary>
    private static List<(BroadcastRecord Plumtree, BroadcastRecord Flood)> Round(Simulator sim, BroadcastProtocol plumtree, BroadcastProtocol flood, IReadOnlyList<int> roots, int ticks)
    {
        var records = new List<(BroadcastRecord, BroadcastRecord)>(roots.Count);
        foreach (var root in roots)
        {
            records.Add((sim.Broadcast(root, plumtree), sim.Broadcast(root, flood)));
        }

        sim.RunFor(ticks * Options.LazyTickInterval);
        return records;
    }

    private static (string, PlumtreeExperimentSample, PlumtreeExperimentSample) Measure(
        string phase, Simulator sim, BroadcastProtocol plumtree, BroadcastProtocol flood, IReadOnlyList<int> roots, PlumtreeExperimentSettings settings, int? rounds = null)
    {
        var controlBefore = plumtree.Counters.Control;
        var floodControlBefore = flood.Counters.Control;
        var records = new List<(BroadcastRecord Plumtree, BroadcastRecord Flood)>();
        for (var round = 0; round < (rounds ?? settings.MeasuredRounds); round++)
        {
            records.AddRange(Round(sim, plumtree, flood, roots, settings.HorizonTicks));
        }

        return (
            phase,
            PlumtreeExperimentSample.Of("Plumtree", [.. records.Select(r => r.Plumtree)], sim, plumtree.Counters.Control - controlBefore),
            PlumtreeExperimentSample.Of("flooding", [.. records.Select(r => r.Flood)], sim, flood.Counters.Control - floodControlBefore));
    }

    /// <summary>
    /// When no root survived: the first live node with a live neighbour in the active-view graph as the crash left it.
    /// A survivor whose neighbours all died would broadcast to no one, and at 95 % one that stays cut off for good is likely.
    /// </summary>
    private static int FallbackRoot(Simulator sim)
    {
        var isolated = HyParViewExperimentGraph.Of(sim).IsolatedNodes().ToHashSet();
        return sim.Live.First(node => !isolated.Contains(node.Index)).Index;
    }

    /// <summary>Distinct random nodes, from a source of their own (seeded from the seed), so no draw of the simulation shifts.</summary>
    private static List<int> PickRoots(Simulator sim, PlumtreeExperimentSettings settings)
    {
        var nodes = Enumerable.Range(0, sim.Count).ToArray();
        var random = new Random(unchecked((settings.Seed * 1_000_003) + 0x9E37));
        var take = Math.Min(settings.Roots, nodes.Length);
        for (var i = 0; i < take; i++)
        {
            var j = random.Next(i, nodes.Length);
            (nodes[i], nodes[j]) = (nodes[j], nodes[i]);
        }

        return [.. nodes[..take]];
    }
}

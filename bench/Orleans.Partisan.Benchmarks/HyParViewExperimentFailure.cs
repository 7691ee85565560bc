using Orleans.Partisan.Protocols.HyParView;
using Orleans.Partisan.Simulation;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// One failure run of the HyParView experiment: build the stable overlay from the seed, crash a
/// fraction of the nodes at once, and measure the survivors' active-view graph right after the
/// failure (no repair yet) and after each following round.
/// </summary>
internal static class HyParViewExperimentFailure
{
    /// <summary>Runs the failure of <paramref name="percent"/> % of the nodes.</summary>
    public static HyParViewFailureResult Run(HyParViewExperimentSettings settings, int percent)
    {
        var meter = HyParViewExperimentPhase.Start();
        var sim = HyParViewExperimentOverlay.Build(settings);
        var built = meter.Stop();
        var builtSteps = sim.Steps;
        var builtHash = sim.TraceHash;
        meter = HyParViewExperimentPhase.Start();

        var crashed = sim.CrashMany(percent / 100.0);
        var before = HyParViewExperimentGraph.Of(sim);
        var sources = HyParViewExperiment.PickSources(before, settings.FloodSources, settings.Seed, salt: 100 + percent);
        var immediate = Measure(before, sources);

        sim.RunFor(HyParViewExperimentOverlay.Options.PromotionInterval);
        var afterOneSecond = Measure(HyParViewExperimentGraph.Of(sim), sources);

        var rounds = new List<HyParViewFailureSample>(settings.RoundsAfterFailure);
        var start = sim.Now - HyParViewExperimentOverlay.Options.PromotionInterval;
        var graph = before;
        for (var round = 1; round <= settings.RoundsAfterFailure; round++)
        {
            sim.RunUntil(start + (round * HyParViewExperimentOverlay.Round));
            graph = HyParViewExperimentGraph.Of(sim);
            rounds.Add(Measure(graph, sources));
        }

        return new HyParViewFailureResult(
            percent,
            crashed.Length,
            sim.LiveCount,
            immediate,
            afterOneSecond,
            rounds,
            built,
            builtSteps,
            builtHash,
            meter.Stop(),
            sim.Steps - builtSteps,
            sim.Counters.ToString(),
            Stranded(sim, graph));
    }

    /// <summary>
    /// The survivors left without a live neighbour at the end, and why they stay so: how many live nodes
    /// their passive views still hold, and how many live nodes still know them (in either view).
    /// </summary>
    public static HyParViewStranded Stranded(Simulator sim, HyParViewExperimentGraph graph)
    {
        var stranded = graph.IsolatedNodes();
        if (stranded.Length == 0)
        {
            return new HyParViewStranded(0, 0, 0);
        }

        var knownBy = new Dictionary<NodeName, int>();
        foreach (var index in stranded)
        {
            knownBy[sim[index].Name] = 0;
        }

        foreach (var node in sim.Live)
        {
            var core = node.CoreAs<HyParViewCore>();
            foreach (var spec in core.PassiveView.Concat(core.ActiveView))
            {
                if (knownBy.TryGetValue(spec.Name, out var count))
                {
                    knownBy[spec.Name] = count + 1;
                }
            }
        }

        long livePassive = 0;
        foreach (var index in stranded)
        {
            foreach (var spec in sim[index].CoreAs<HyParViewCore>().PassiveView)
            {
                if (sim.TryGetIndex(spec.Name, out var peer) && sim[peer].Alive)
                {
                    livePassive++;
                }
            }
        }

        return new HyParViewStranded(stranded.Length, (double)livePassive / stranded.Length, (double)knownBy.Values.Sum() / stranded.Length);
    }

    /// <summary>The figures of the graph now: flood reliability from each source, components.</summary>
    public static HyParViewFailureSample Measure(HyParViewExperimentGraph graph, IReadOnlyList<int> sources)
    {
        double sum = 0, min = 1;
        var complete = 0;
        foreach (var source in sources)
        {
            var reliability = graph.Reliability(source);
            sum += reliability;
            min = Math.Min(min, reliability);
            if (reliability >= 1)
            {
                complete++;
            }
        }

        var (components, largest, isolated) = graph.Components();
        return new HyParViewFailureSample(sum / sources.Count, min, complete == sources.Count, components, largest, isolated);
    }
}

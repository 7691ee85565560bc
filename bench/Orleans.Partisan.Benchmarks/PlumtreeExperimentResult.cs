namespace Orleans.Partisan.Benchmarks;

/// <summary>One failure run of the Plumtree experiment: steady state, then after the failure, then after healing; Plumtree and flooding each.</summary>
/// <param name="Percent">The nodes crashed, in percent.</param>
/// <param name="Crashed">The nodes crashed.</param>
/// <param name="Survivors">The nodes alive after the crash.</param>
/// <param name="WarmRoots">The roots still alive after the crash (their trees were warmed up); the others broadcast from fresh roots.</param>
/// <param name="AttachHash">The simulator's trace hash when the broadcast protocols were added: equal in every run (same overlay).</param>
/// <param name="Phases">The phases in order, each with Plumtree's sample and flooding's.</param>
/// <param name="Build">The cost of building the overlay.</param>
/// <param name="Run">The cost of the broadcasts, failure and healing.</param>
/// <param name="Counters">The simulator's network counters at the end.</param>
internal sealed record PlumtreeExperimentResult(
    int Percent,
    int Crashed,
    int Survivors,
    int WarmRoots,
    ulong AttachHash,
    IReadOnlyList<(string Phase, PlumtreeExperimentSample Plumtree, PlumtreeExperimentSample Flood)> Phases,
    HyParViewExperimentPhase Build,
    HyParViewExperimentPhase Run,
    string Counters);

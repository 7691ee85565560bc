namespace Orleans.Partisan.Benchmarks;

/// <summary>The survivors' active-view graph at one point after a failure.</summary>
/// <param name="Reliability">The mean, over the flood sources, of the fraction of live nodes a flood reaches.</param>
/// <param name="MinReliability">The smallest of those fractions.</param>
/// <param name="EveryFloodComplete">Whether every flood reached every live node.</param>
/// <param name="Components">The connected components among live nodes (edges taken both ways).</param>
/// <param name="Largest">The live nodes of the largest component.</param>
/// <param name="Isolated">The live nodes with no live neighbour either way.</param>
internal sealed record HyParViewFailureSample(double Reliability, double MinReliability, bool EveryFloodComplete, int Components, int Largest, int Isolated);

/// <summary>What a failure run measured.</summary>
/// <param name="Percent">The fraction of the nodes crashed, in percent.</param>
/// <param name="Crashed">The nodes crashed.</param>
/// <param name="Survivors">The live nodes after the crash.</param>
/// <param name="Immediate">Right after the crash, before any node noticed it.</param>
/// <param name="AfterOneSecond">One promotion interval (1 s) later.</param>
/// <param name="Rounds">After each round (shuffle interval) following the crash: element r-1 is after round r.</param>
/// <param name="Build">The cost of building and stabilising the overlay.</param>
/// <param name="BuildSteps">The simulator's events while building and stabilising.</param>
/// <param name="BuildHash">The simulator's trace hash once stable: the same in every run of one seed.</param>
/// <param name="Failure">The cost of the crash and the rounds after it.</param>
/// <param name="FailureSteps">The simulator's events after the crash.</param>
/// <param name="Counters">The simulator's message counters at the end.</param>
/// <param name="Stranded">The survivors without a live neighbour at the end.</param>
internal sealed record HyParViewFailureResult(
    int Percent,
    int Crashed,
    int Survivors,
    HyParViewFailureSample Immediate,
    HyParViewFailureSample AfterOneSecond,
    IReadOnlyList<HyParViewFailureSample> Rounds,
    HyParViewExperimentPhase Build,
    long BuildSteps,
    ulong BuildHash,
    HyParViewExperimentPhase Failure,
    long FailureSteps,
    string Counters,
    HyParViewStranded Stranded)
{
    /// <summary>The first round after which the survivors form one component (0: right after the crash); null if none within the rounds run.</summary>
    public int? RoundsToOneComponent => FirstRound(static s => s.Components == 1);

    /// <summary>The first round after which every flood reached every survivor; null if none within the rounds run.</summary>
    public int? RoundsToCompleteFloods => FirstRound(static s => s.EveryFloodComplete);

    /// <summary>The first point from which <paramref name="holds"/> holds at every later measurement: 0 right after the crash, r after round r; null if it does not hold at the end.</summary>
    private int? FirstRound(Func<HyParViewFailureSample, bool> holds)
    {
        if (Rounds.Count == 0 || !holds(Rounds[^1]))
        {
            return null;
        }

        var first = Rounds.Count;
        while (first > 1 && holds(Rounds[first - 2]))
        {
            first--;
        }

        return first == 1 && holds(Immediate) && holds(AfterOneSecond) ? 0 : first;
    }
}

/// <summary>The survivors left without a live neighbour after the last round.</summary>
/// <param name="Count">How many.</param>
/// <param name="LivePassive">The mean number of live nodes in their passive views (nodes they could still ask).</param>
/// <param name="KnownBy">The mean number of live nodes that hold them in a view (nodes that could still ask them).</param>
internal sealed record HyParViewStranded(int Count, double LivePassive, double KnownBy);

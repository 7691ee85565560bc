namespace Orleans.Partisan.Benchmarks;

/// <summary>The figures of a stable overlay (the paper's §5 graph properties): in-degrees, view sizes, paths, components.</summary>
/// <param name="Nodes">The live nodes.</param>
/// <param name="InDegree">How many nodes hold each node in their active view.</param>
/// <param name="InDegreeHistogram">Element d: the nodes of in-degree d.</param>
/// <param name="ActiveViewSize">The active-view sizes (out-degrees).</param>
/// <param name="MeanPath">The mean shortest path, in hops, from the sampled sources to every node they reach.</param>
/// <param name="LongestPath">The longest shortest path seen from those sources.</param>
/// <param name="PathSources">How many sources the paths were measured from.</param>
/// <param name="Components">The connected components of the active-view graph.</param>
/// <param name="Reliability">The mean fraction of nodes reached by a flood from the flood sources.</param>
internal sealed record HyParViewExperimentSteadyState(
    int Nodes,
    HyParViewExperimentDistribution InDegree,
    IReadOnlyList<int> InDegreeHistogram,
    HyParViewExperimentDistribution ActiveViewSize,
    double MeanPath,
    int LongestPath,
    int PathSources,
    int Components,
    double Reliability)
{
    /// <summary>Measures <paramref name="graph"/>, with shortest paths from <paramref name="pathSources"/> and floods from <paramref name="floodSources"/>.</summary>
    public static HyParViewExperimentSteadyState Measure(HyParViewExperimentGraph graph, IReadOnlyList<int> pathSources, IReadOnlyList<int> floodSources)
    {
        var inDegrees = graph.InDegrees();
        var histogram = new int[inDegrees.Length == 0 ? 1 : inDegrees.Max() + 1];
        foreach (var degree in inDegrees)
        {
            histogram[degree]++;
        }

        var (meanPath, longest, _) = graph.ShortestPaths(pathSources);
        var sample = HyParViewExperimentFailure.Measure(graph, floodSources);
        return new HyParViewExperimentSteadyState(
            graph.LiveCount,
            HyParViewExperimentDistribution.Of(inDegrees),
            histogram,
            HyParViewExperimentDistribution.Of(graph.OutDegrees()),
            meanPath,
            longest,
            pathSources.Count,
            sample.Components,
            sample.Reliability);
    }
}

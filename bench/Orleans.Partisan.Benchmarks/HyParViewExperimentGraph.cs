using Orleans.Partisan.Protocols.HyParView;
using Orleans.Partisan.Simulation;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// A snapshot of the active views of a simulation as a directed graph over node numbers (an edge
/// a→b when live node a holds b in its active view, b alive or not), with the graph figures of the
/// HyParView experiment: flood reach and shortest paths here, components and degrees in <c>HyParViewExperimentGraph.Structure.cs</c>.
/// </summary>
/// <remarks>
/// A flood goes over the edges of live nodes to live nodes only: a dead neighbour still in a view
/// blocks nothing but delivers nothing, as a send to a crashed node. Dead nodes have no edges.
/// </remarks>
internal sealed partial class HyParViewExperimentGraph
{
    private readonly int[] _offsets;
    private readonly int[] _targets;
    private readonly bool[] _alive;
    private readonly int[] _queue;
    private readonly int[] _mark;
    private int _stamp;

    private HyParViewExperimentGraph(int[] offsets, int[] targets, bool[] alive, int liveCount)
    {
        _offsets = offsets;
        _targets = targets;
        _alive = alive;
        LiveCount = liveCount;
        _queue = new int[alive.Length];
        _mark = new int[alive.Length];
    }

    /// <summary>The nodes of the graph (dead ones too).</summary>
    public int Count => _alive.Length;

    /// <summary>The live nodes.</summary>
    public int LiveCount { get; }

    /// <summary>Takes the active views of every live node of <paramref name="sim"/> now.</summary>
    public static HyParViewExperimentGraph Of(Simulator sim)
    {
        var count = sim.Count;
        var alive = new bool[count];
        var offsets = new int[count + 1];
        var targets = new List<int>(count * HyParViewExperimentOverlay.Options.ActiveViewSize);
        var live = 0;
        for (var i = 0; i < count; i++)
        {
            offsets[i] = targets.Count;
            var node = sim[i];
            if (!node.Alive)
            {
                continue;
            }

            alive[i] = true;
            live++;
            foreach (var spec in node.CoreAs<HyParViewCore>().ActiveView)
            {
                if (sim.TryGetIndex(spec.Name, out var peer))
                {
                    targets.Add(peer);
                }
            }
        }

        offsets[count] = targets.Count;
        return new HyParViewExperimentGraph(offsets, [.. targets], alive, live);
    }

    /// <summary>The live nodes, ascending.</summary>
    public int[] LiveNodes()
    {
        var live = new int[LiveCount];
        var next = 0;
        for (var i = 0; i < _alive.Length; i++)
        {
            if (_alive[i])
            {
                live[next++] = i;
            }
        }

        return live;
    }

    /// <summary>
    /// The fraction of live nodes a message flooded from live node <paramref name="source"/> reaches
    /// (the source included): every node that gets it forwards it once to each live node of its active view.
    /// </summary>
    public double Reliability(int source) => (double)Flood(source, distances: null) / LiveCount;

    /// <summary>
    /// Shortest paths (in hops, along active-view edges) from each of <paramref name="sources"/> to every
    /// live node it reaches: their mean, the longest seen, and how many pairs were measured.
    /// </summary>
    public (double Mean, int Longest, long Pairs) ShortestPaths(IEnumerable<int> sources)
    {
        var distances = new int[Count];
        long total = 0, pairs = 0;
        var longest = 0;
        foreach (var source in sources)
        {
            var reached = Flood(source, distances);
            for (var i = 0; i < reached; i++)
            {
                var d = distances[_queue[i]];
                if (d > 0)
                {
                    total += d;
                    pairs++;
                    longest = Math.Max(longest, d);
                }
            }
        }

        return (pairs == 0 ? double.NaN : (double)total / pairs, longest, pairs);
    }

    /// <summary>Breadth-first flood from <paramref name="source"/>; returns how many nodes it reached (they are <c>_queue[0..n)</c>).</summary>
    private int Flood(int source, int[]? distances)
    {
        if (!_alive[source])
        {
            throw new ArgumentException($"Node {source} is not alive.", nameof(source));
        }

        var stamp = ++_stamp;
        _mark[source] = stamp;
        _queue[0] = source;
        if (distances is not null)
        {
            distances[source] = 0;
        }

        int head = 0, tail = 1;
        while (head < tail)
        {
            var a = _queue[head++];
            for (var e = _offsets[a]; e < _offsets[a + 1]; e++)
            {
                var b = _targets[e];
                if (_alive[b] && _mark[b] != stamp)
                {
                    _mark[b] = stamp;
                    _queue[tail++] = b;
                    if (distances is not null)
                    {
                        distances[b] = distances[a] + 1;
                    }
                }
            }
        }

        return tail;
    }
}

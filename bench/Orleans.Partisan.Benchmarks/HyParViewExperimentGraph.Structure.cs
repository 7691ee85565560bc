namespace Orleans.Partisan.Benchmarks;

/// <summary>The structure of the active-view graph: connected components, isolated nodes, in- and out-degrees.</summary>
internal sealed partial class HyParViewExperimentGraph
{
    /// <summary>
    /// The connected components of the graph among live nodes, edges taken both ways (as the invariant
    /// checker does): how many, the size of the largest, and how many live nodes have no live neighbour.
    /// </summary>
    public (int Components, int Largest, int Isolated) Components()
    {
        var parent = new int[Count];
        for (var i = 0; i < parent.Length; i++)
        {
            parent[i] = i;
        }

        for (var a = 0; a < Count; a++)
        {
            if (!_alive[a])
            {
                continue;
            }

            for (var e = _offsets[a]; e < _offsets[a + 1]; e++)
            {
                var b = _targets[e];
                if (_alive[b])
                {
                    Union(parent, a, b);
                }
            }
        }

        var sizes = new int[Count];
        var components = 0;
        var largest = 0;
        for (var a = 0; a < Count; a++)
        {
            if (_alive[a])
            {
                var root = Find(parent, a);
                if (sizes[root]++ == 0)
                {
                    components++;
                }

                largest = Math.Max(largest, sizes[root]);
            }
        }

        return (components, largest, IsolatedNodes().Length);
    }

    /// <summary>The live nodes with no live neighbour either way (no live node in their view, in no live node's view).</summary>
    public int[] IsolatedNodes()
    {
        var touched = new bool[Count];
        for (var a = 0; a < Count; a++)
        {
            if (!_alive[a])
            {
                continue;
            }

            for (var e = _offsets[a]; e < _offsets[a + 1]; e++)
            {
                var b = _targets[e];
                if (_alive[b] && b != a)
                {
                    touched[a] = true;
                    touched[b] = true;
                }
            }
        }

        var isolated = new List<int>();
        for (var a = 0; a < Count; a++)
        {
            if (_alive[a] && !touched[a])
            {
                isolated.Add(a);
            }
        }

        return [.. isolated];
    }

    /// <summary>The in-degree of every live node: how many live nodes hold it in their active view.</summary>
    public int[] InDegrees()
    {
        var degrees = new int[Count];
        for (var a = 0; a < Count; a++)
        {
            if (!_alive[a])
            {
                continue;
            }

            for (var e = _offsets[a]; e < _offsets[a + 1]; e++)
            {
                degrees[_targets[e]]++;
            }
        }

        var live = new int[LiveCount];
        var next = 0;
        for (var a = 0; a < Count; a++)
        {
            if (_alive[a])
            {
                live[next++] = degrees[a];
            }
        }

        return live;
    }

    /// <summary>The out-degree of every live node: its active view, live neighbours only.</summary>
    public int[] OutDegrees()
    {
        var live = new int[LiveCount];
        var next = 0;
        for (var a = 0; a < Count; a++)
        {
            if (!_alive[a])
            {
                continue;
            }

            var degree = 0;
            for (var e = _offsets[a]; e < _offsets[a + 1]; e++)
            {
                degree += _alive[_targets[e]] ? 1 : 0;
            }

            live[next++] = degree;
        }

        return live;
    }

    private static void Union(int[] parent, int a, int b)
    {
        a = Find(parent, a);
        b = Find(parent, b);
        if (a != b)
        {
            parent[Math.Max(a, b)] = Math.Min(a, b);
        }
    }

    private static int Find(int[] parent, int a)
    {
        while (parent[a] != a)
        {
            parent[a] = parent[parent[a]];
            a = parent[a];
        }

        return a;
    }
}

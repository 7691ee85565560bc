namespace Orleans.Partisan.Simulation;

/// <summary>
/// The network cuts in force: each separates two sets of nodes, in both directions. Nodes in
/// neither set of a cut are unaffected by it; cuts add up until <see cref="Clear"/>.
/// </summary>
internal sealed class Partitions
{
    private readonly List<(HashSet<int> A, HashSet<int> B)> _cuts = [];

    /// <summary>Whether any cut is in force.</summary>
    public bool Any => _cuts.Count > 0;

    /// <summary>Cuts <paramref name="a"/> from <paramref name="b"/>.</summary>
    public void Add(HashSet<int> a, HashSet<int> b) => _cuts.Add((a, b));

    /// <summary>Removes every cut.</summary>
    public void Clear() => _cuts.Clear();

    /// <summary>Whether <paramref name="x"/> and <paramref name="y"/> can reach each other.</summary>
    public bool Reachable(int x, int y)
    {
        foreach (var (a, b) in _cuts)
        {
            if ((a.Contains(x) && b.Contains(y)) || (a.Contains(y) && b.Contains(x)))
            {
                return false;
            }
        }

        return true;
    }
}

using System.Globalization;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// The overlay of a cluster of silo processes at one moment, from each silo's answer to <c>VIEWS</c>
/// (<c>test/Orleans.Partisan.ProcessHost/HostCommands.cs</c>): its active view, passive view size, connected nodes and
/// open connections; and whether it has converged.
/// </summary>
internal sealed class OverlaySnapshot
{
    private readonly IReadOnlyDictionary<string, (HashSet<string> Active, int Passive, HashSet<string> Connected, int Connections)> _silos;

    private OverlaySnapshot(IReadOnlyDictionary<string, (HashSet<string>, int, HashSet<string>, int)> silos) => _silos = silos;

    /// <summary>Active view sizes, one per silo, sorted.</summary>
    public IReadOnlyList<int> ActiveSizes => [.. _silos.Values.Select(s => s.Active.Count).Order()];

    /// <summary>Passive view sizes, one per silo, sorted.</summary>
    public IReadOnlyList<int> PassiveSizes => [.. _silos.Values.Select(s => s.Passive).Order()];

    /// <summary>Overlay TCP connections in the cluster: each is counted at both of its ends, so half the sum.</summary>
    public int Connections => _silos.Values.Sum(s => s.Connections) / 2;

    /// <summary>Node pairs with an open connection (an unordered pair counted once).</summary>
    public int ConnectedPairs => _silos.Sum(s => s.Value.Connected.Count(n => _silos.ContainsKey(n))) / 2;

    /// <summary>Reads the answers (the text after <c>VIEWS &lt;tag&gt; </c>) of the silos named by their node names.</summary>
    public static OverlaySnapshot Parse(IReadOnlyDictionary<string, string> answers) => new(answers.ToDictionary(a => a.Key, a => Parse(a.Value)));

    /// <summary>
    /// Why the overlay has not converged, or <see langword="null"/> when it has. Full mesh: every silo connected to every
    /// other. A partial view (<paramref name="minActive"/> &gt; 0): every active view has at least
    /// <paramref name="minActive"/> silos, is symmetric and connected, and the active views join all silos in one graph.
    /// </summary>
    public string? Unconverged(bool fullMesh, int minActive)
    {
        var all = _silos.Keys.ToHashSet();
        foreach (var (name, silo) in _silos)
        {
            var others = all.Where(n => n != name).ToHashSet();
            if (fullMesh)
            {
                if (!others.IsSubsetOf(silo.Connected))
                {
                    return $"{name} is connected to {silo.Connected.Count(others.Contains)} of {others.Count} silos";
                }

                continue;
            }

            if (silo.Active.Count < Math.Min(minActive, others.Count))
            {
                return $"{name}'s active view has {silo.Active.Count} silos, fewer than {minActive}";
            }

            if (silo.Active.FirstOrDefault(n => !silo.Connected.Contains(n)) is { } unconnected)
            {
                return $"{name} has {unconnected} in its active view but no connection to it";
            }

            if (silo.Active.FirstOrDefault(n => !_silos.TryGetValue(n, out var other) || !other.Active.Contains(name)) is { } oneWay)
            {
                return $"{name} has {oneWay} in its active view, but not the other way round";
            }
        }

        if (fullMesh)
        {
            return null;
        }

        // Breadth-first over the active views, bounded by the number of silos.
        var reached = new HashSet<string> { _silos.Keys.First() };
        var frontier = new Queue<string>(reached);
        while (frontier.TryDequeue(out var next))
        {
            foreach (var neighbour in _silos[next].Active.Where(reached.Add))
            {
                frontier.Enqueue(neighbour);
            }
        }

        return reached.Count == all.Count ? null : $"the active views reach {reached.Count} of {all.Count} silos from {_silos.Keys.First()}";
    }

    private static (HashSet<string> Active, int Passive, HashSet<string> Connected, int Connections) Parse(string answer)
    {
        var fields = answer.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2))
            .ToDictionary(f => f[0], f => f.Length == 2 ? f[1] : throw new FormatException($"VIEWS answer field '{f[0]}' has no value: {answer}"));
        HashSet<string> Nodes(string key) => [.. fields[key].Split(',', StringSplitOptions.RemoveEmptyEntries)];
        return (Nodes("active"), int.Parse(fields["passive"], CultureInfo.InvariantCulture), Nodes("connected"), int.Parse(fields["connections"], CultureInfo.InvariantCulture));
    }
}

using Orleans.Partisan.Protocols;

namespace Orleans.Partisan.Simulation;

/// <summary>
/// Checks the invariants of an overlay that keeps an active view (HyParView, DSN 2007 §4), among the
/// live nodes of a quiescent simulation:
/// <list type="bullet">
/// <item>the simulation is quiescent (nothing in flight could still change a view);</item>
/// <item>no node has itself or a duplicate in its active view, nor a node that is not live;</item>
/// <item>active views are symmetric: A holds B exactly when B holds A;</item>
/// <item>every active view has at most the maximum and, when more than one node lives, at least one entry;</item>
/// <item>no node is both active and passive (when the passive view is given);</item>
/// <item>optionally, every active neighbour has an open connection (<see cref="RequireConnections"/>);</item>
/// <item>the active-view graph is one connected component.</item>
/// </list>
/// </summary>
/// <remarks>Written against delegates, not a core type, so that any overlay with an active view can be checked.</remarks>
internal sealed class ActiveViewChecker
{
    /// <summary>How many violations a report lists (all are counted).</summary>
    public const int MaxListed = 10;

    private readonly int _maxActive;
    private readonly Func<IPeerServiceCore, IReadOnlyCollection<NodeName>> _activeView;
    private readonly Func<IPeerServiceCore, IReadOnlyCollection<NodeName>>? _passiveView;

    /// <param name="maxActive">The largest active view the overlay allows.</param>
    /// <param name="activeView">Reads a core's active view.</param>
    /// <param name="passiveView">Reads a core's passive view, if the overlay has one.</param>
    public ActiveViewChecker(
        int maxActive,
        Func<IPeerServiceCore, IReadOnlyCollection<NodeName>> activeView,
        Func<IPeerServiceCore, IReadOnlyCollection<NodeName>>? passiveView = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxActive, 1);
        ArgumentNullException.ThrowIfNull(activeView);
        _maxActive = maxActive;
        _activeView = activeView;
        _passiveView = passiveView;
    }

    /// <summary>Whether each node must have an open connection to each of its active neighbours.</summary>
    public bool RequireConnections { get; init; }

    /// <summary>Which live nodes are checked (default: all); e.g. to leave out nodes that left the overlay.</summary>
    public Func<SimNode, bool>? Include { get; init; }

    /// <summary>Checks and throws <see cref="InvariantViolationException"/> (with the seed, the figures and the first violations) if any invariant fails.</summary>
    /// <param name="simulation">The simulation to check.</param>
    /// <param name="when">Names the point of the scenario, for the failure message.</param>
    public ActiveViewReport Check(Simulator simulation, string when = "")
    {
        var report = Inspect(simulation);
        if (!report.Holds)
        {
            var point = when.Length == 0 ? "" : $" {when}";
            throw new InvariantViolationException(simulation.Seed, $"Active-view invariants broken{point} at {simulation.Now}: {report}");
        }

        return report;
    }

    /// <summary>Checks and reports, without throwing.</summary>
    public ActiveViewReport Inspect(Simulator simulation)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        var violations = new Violations();
        if (!simulation.IsQuiescent)
        {
            violations.Add($"the simulation is not quiescent ({simulation.InFlight} messages in flight, {simulation.PendingConnects} handshakes)");
        }

        // Dense positions of the checked nodes; -1 for the others.
        var position = new int[simulation.Count];
        var checkedNodes = new List<SimNode>();
        foreach (var node in simulation.Nodes)
        {
            position[node.Index] = -1;
            if (node.Alive && (Include is null || Include(node)))
            {
                position[node.Index] = checkedNodes.Count;
                checkedNodes.Add(node);
            }
        }

        var views = new HashSet<int>[checkedNodes.Count];
        int min = int.MaxValue, max = 0;
        long total = 0;
        for (var p = 0; p < checkedNodes.Count; p++)
        {
            var node = checkedNodes[p];
            var view = views[p] = [];
            foreach (var name in _activeView(node.Core))
            {
                if (name == node.Name)
                {
                    violations.Add($"{node.Name} has itself in its active view");
                }
                else if (!simulation.TryGetIndex(name, out var peer) || position[peer] < 0)
                {
                    violations.Add($"{node.Name} has {name} in its active view, which is not a live node{(Include is null ? "" : " checked")}");
                }
                else if (!view.Add(peer))
                {
                    violations.Add($"{node.Name} has {name} twice in its active view");
                }
                else if (RequireConnections && !simulation.IsConnected(node.Index, peer))
                {
                    violations.Add($"{node.Name} has {name} in its active view but no open connection to it");
                }
            }

            min = Math.Min(min, view.Count);
            max = Math.Max(max, view.Count);
            total += view.Count;
            if (view.Count > _maxActive)
            {
                violations.Add($"{node.Name} has {view.Count} active neighbours, more than {_maxActive}");
            }
            else if (view.Count == 0 && checkedNodes.Count > 1)
            {
                violations.Add($"{node.Name} has an empty active view");
            }

            if (_passiveView is not null)
            {
                foreach (var name in _passiveView(node.Core))
                {
                    if (simulation.TryGetIndex(name, out var peer) && view.Contains(peer))
                    {
                        violations.Add($"{node.Name} has {name} in both its active and its passive view");
                    }
                }
            }
        }

        var components = new UnionFind(checkedNodes.Count);
        for (var p = 0; p < checkedNodes.Count; p++)
        {
            foreach (var peer in views[p])
            {
                var q = position[peer];
                if (!views[q].Contains(checkedNodes[p].Index))
                {
                    violations.Add($"{checkedNodes[p].Name} has {checkedNodes[q].Name} in its active view but not the reverse");
                }

                components.Union(p, q);
            }
        }

        var (count, largest) = components.Summarise();
        if (count > 1)
        {
            violations.Add($"the active-view graph has {count} components (largest {largest} of {checkedNodes.Count} nodes)");
        }

        return new ActiveViewReport(
            checkedNodes.Count,
            checkedNodes.Count == 0 ? 0 : min,
            max,
            checkedNodes.Count == 0 ? 0 : (double)total / checkedNodes.Count,
            count,
            largest,
            violations.Count,
            violations.Listed);
    }

    private sealed class Violations
    {
        public List<string> Listed { get; } = [];

        public int Count { get; private set; }

        public void Add(string violation)
        {
            if (Listed.Count < MaxListed)
            {
                Listed.Add(violation);
            }

            Count++;
        }
    }

    private sealed class UnionFind
    {
        private readonly int[] _parent;

        public UnionFind(int count)
        {
            _parent = new int[count];
            for (var i = 0; i < count; i++)
            {
                _parent[i] = i;
            }
        }

        public void Union(int a, int b)
        {
            a = Find(a);
            b = Find(b);
            if (a != b)
            {
                _parent[Math.Max(a, b)] = Math.Min(a, b);
            }
        }

        public (int Count, int Largest) Summarise()
        {
            var sizes = new Dictionary<int, int>();
            for (var i = 0; i < _parent.Length; i++)
            {
                var root = Find(i);
                sizes[root] = sizes.GetValueOrDefault(root) + 1;
            }

            var largest = 0;
            foreach (var size in sizes.Values)
            {
                largest = Math.Max(largest, size);
            }

            return (sizes.Count, largest);
        }

        private int Find(int a)
        {
            while (_parent[a] != a)
            {
                _parent[a] = _parent[_parent[a]];
                a = _parent[a];
            }

            return a;
        }
    }
}

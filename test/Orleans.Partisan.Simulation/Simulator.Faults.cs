namespace Orleans.Partisan.Simulation;

/// <summary>Crashes, restarts and partitions.</summary>
internal sealed partial class Simulator
{
    /// <summary>Crashes node <paramref name="node"/>: see <see cref="CrashMany(IEnumerable{int})"/>.</summary>
    public void Crash(int node) => CrashMany([node]);

    /// <summary>
    /// Crashes <paramref name="nodes"/> at the same instant: their cores stop (timers too), what is in
    /// flight to or from them is lost, and every live node with an open connection to one of them
    /// gets <c>PeerDown</c> one latency later.
    /// </summary>
    public void CrashMany(IEnumerable<int> nodes)
    {
        var victims = new List<int>();
        var seen = new HashSet<int>();
        foreach (var index in nodes)
        {
            if (!seen.Add(index))
            {
                continue;
            }

            var node = Living(index);
            victims.Add(index);
            node.Alive = false;
            node.Incarnation++;
            node.Timers.Clear();
            foreach (var broadcast in node.Broadcasts)
            {
                broadcast.Timers.Clear();
            }

            LiveCount--;
            Observe(node, ObservedKind.Crashed, node.Name);
        }

        // The live side of every connection to a victim learns of the loss (reset or timeout). Each break draws from
        // its dialler's own stream, so the order of the nodes does not matter; node order keeps it simple.
        var dead = new HashSet<int>(victims);
        foreach (var node in _nodes)
        {
            if (!node.Alive)
            {
                continue;
            }

            foreach (var (to, link) in node.Outbound)
            {
                if (dead.Contains(to))
                {
                    Break(link);
                }
            }
        }

        // The victims' own connections die with them, with what was in flight on them.
        foreach (var index in victims)
        {
            var node = _nodes[index];
            foreach (var (to, link) in node.Outbound)
            {
                NoteDeadEpoch(_nodes[to], index, link.Epoch);
            }

            node.Outbound.Clear();
        }
    }

    /// <summary>Crashes a random <paramref name="fraction"/> of the live nodes at once (chosen with <see cref="Random"/>).</summary>
    /// <returns>The numbers of the crashed nodes, ascending.</returns>
    public int[] CrashMany(double fraction)
    {
        if (fraction is < 0 or > 1 || double.IsNaN(fraction))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, $"A fraction is in [0, 1] (seed={Seed}).");
        }

        var live = new List<int>(LiveCount);
        foreach (var node in _nodes)
        {
            if (node.Alive)
            {
                live.Add(node.Index);
            }
        }

        var count = (int)Math.Round(fraction * live.Count, MidpointRounding.AwayFromZero);
        for (var i = 0; i < count; i++)
        {
            var j = Random.Next(i, live.Count);
            (live[i], live[j]) = (live[j], live[i]);
        }

        var victims = live.GetRange(0, count).ToArray();
        Array.Sort(victims);
        CrashMany(victims);
        return victims;
    }

    /// <summary>
    /// Restarts node <paramref name="node"/> under its name (crashing it first if it runs): a new core
    /// with a new random source, started; connections others still want to it open again.
    /// </summary>
    public void Restart(int node)
    {
        var restarted = _nodes[node];
        if (restarted.Alive)
        {
            Crash(node);
        }

        restarted.Random = new Random(_seeds.Next());
        restarted.Core = _coreFactory(restarted.Spec, restarted.Random);
        restarted.Alive = true;
        LiveCount++;
        Observe(restarted, ObservedKind.Restarted, restarted.Name);
        Run(restarted, "Start", static core => core.Start());
        StartBroadcasts(restarted);
        foreach (var from in _nodes)
        {
            if (from.Alive && from.Outbound.TryGetValue(node, out var link) && link.State == LinkState.Parked)
            {
                StartConnect(link);
            }
        }
    }

    /// <summary>
    /// Restarts node <paramref name="node"/> as a new node named <paramref name="newName"/> (crashing it
    /// first if it runs). The old name stays dead: connections to it never open.
    /// </summary>
    /// <returns>The new node's number.</returns>
    public int Restart(int node, string newName)
    {
        if (_nodes[node].Alive)
        {
            Crash(node);
        }

        return AddNode(newName);
    }

    /// <summary>
    /// Restarts node <paramref name="node"/> as a new node named <paramref name="newName"/> at the same address (crashing it
    /// first if it runs), as a restarted process that listens where the old one did under a new name.
    /// </summary>
    /// <returns>The new node's number.</returns>
    public int RestartAt(int node, string newName)
    {
        if (_nodes[node].Alive)
        {
            Crash(node);
        }

        return AddNode(newName, addressOf: node);
    }

    /// <summary>Cuts <paramref name="side"/> from every other node.</summary>
    public void Partition(IEnumerable<int> side)
    {
        var a = new HashSet<int>(side);
        var b = new HashSet<int>();
        for (var i = 0; i < _nodes.Count; i++)
        {
            if (!a.Contains(i))
            {
                b.Add(i);
            }
        }

        Partition(a, b);
    }

    /// <summary>
    /// Cuts <paramref name="a"/> from <paramref name="b"/> in both directions until <see cref="Heal"/>:
    /// open connections across break (what is in flight is lost; each side hears <c>PeerDown</c> one
    /// latency later) and no connection across opens. Cuts add up.
    /// </summary>
    public void Partition(IEnumerable<int> a, IEnumerable<int> b)
    {
        var sideA = new HashSet<int>(a);
        var sideB = new HashSet<int>(b);
        if (sideA.Overlaps(sideB))
        {
            throw new ArgumentException($"The two sides of a partition must not share a node (seed={Seed}).");
        }

        _partitions.Add(sideA, sideB);
        BreakAcross(sideA, sideB);
        BreakAcross(sideB, sideA);
    }

    /// <summary>Removes every cut; wanted connections across them open one latency later.</summary>
    public void Heal()
    {
        _partitions.Clear();
        foreach (var node in _nodes)
        {
            if (!node.Alive)
            {
                continue;
            }

            foreach (var link in node.Outbound.Values)
            {
                if (link.State == LinkState.Parked && _nodes[link.To].Alive)
                {
                    StartConnect(link);
                }
            }
        }
    }

    private void BreakAcross(HashSet<int> from, HashSet<int> to)
    {
        var ordered = new List<int>(from);
        ordered.Sort();
        foreach (var index in ordered)
        {
            foreach (var (peer, link) in _nodes[index].Outbound)
            {
                if (to.Contains(peer))
                {
                    Break(link);
                }
            }
        }
    }
}

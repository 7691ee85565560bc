namespace Orleans.Partisan.Tests.Protocols.HyParView;

/// <summary>The overlay's invariants over the live nodes of a <see cref="HyParViewNetwork"/>, checked at a quiescent point.</summary>
internal static class HyParViewInvariants
{
    /// <summary>Every violation, one line each; empty when the overlay is sound.</summary>
    public static List<string> Violations(HyParViewNetwork network, HyParViewOptions options, int minActive = 1)
    {
        var errors = new List<string>();
        var alive = network.Alive.ToList();
        var aliveNames = alive.Select(n => n.Name).ToHashSet();
        foreach (var node in alive)
        {
            var active = node.Core.ActiveView.Select(s => s.Name).ToList();
            var passive = node.Core.PassiveView.Select(s => s.Name).ToList();
            if (active.Contains(node.Name) || passive.Contains(node.Name))
            {
                errors.Add($"{node.Name} has itself in a view.");
            }

            if (active.Distinct().Count() != active.Count || passive.Distinct().Count() != passive.Count)
            {
                errors.Add($"{node.Name} has a duplicate entry.");
            }

            if (active.Intersect(passive).Any())
            {
                errors.Add($"{node.Name} has {string.Join(",", active.Intersect(passive))} in both views.");
            }

            if (active.Count > options.ActiveViewSize || active.Count < minActive)
            {
                errors.Add($"{node.Name} has {active.Count} neighbours, outside [{minActive}, {options.ActiveViewSize}].");
            }

            if (passive.Count > options.PassiveViewSize)
            {
                errors.Add($"{node.Name} has {passive.Count} passive entries, more than {options.PassiveViewSize}.");
            }

            foreach (var peer in active)
            {
                if (!aliveNames.Contains(peer))
                {
                    errors.Add($"{node.Name} keeps dead {peer} as a neighbour.");
                }
                else if (!network.ByName(peer).Core.ActiveView.Any(s => s.Name == node.Name))
                {
                    errors.Add($"{node.Name} has {peer} as a neighbour but not the reverse.");
                }
            }

            var held = node.Connected.Concat(node.Waiting.Keys).ToHashSet();
            var expected = active.Concat(node.Core.PendingRequests).ToHashSet();
            if (!held.SetEquals(expected))
            {
                errors.Add($"{node.Name} holds connections to [{string.Join(",", held.Order())}] but its active view and requests are [{string.Join(",", expected.Order())}].");
            }

            if (!held.SetEquals(node.Core.Connections))
            {
                errors.Add($"{node.Name}'s core believes it asked for connections to [{string.Join(",", node.Core.Connections.Order())}] but holds [{string.Join(",", held.Order())}].");
            }
        }

        var components = Components(network);
        if (alive.Count > 0 && components != 1)
        {
            errors.Add($"The active views form {components} components among {alive.Count} live nodes.");
        }

        return errors;
    }

    /// <summary>The number of connected components of the active-view graph among live nodes.</summary>
    public static int Components(HyParViewNetwork network)
    {
        var alive = network.Alive.Select(n => n.Name).ToHashSet();
        var seen = new HashSet<NodeName>();
        var components = 0;
        foreach (var start in alive)
        {
            if (!seen.Add(start))
            {
                continue;
            }

            components++;
            var stack = new Stack<NodeName>([start]);
            while (stack.Count > 0)
            {
                foreach (var next in network.ByName(stack.Pop()).Core.ActiveView.Select(s => s.Name))
                {
                    if (alive.Contains(next) && seen.Add(next))
                    {
                        stack.Push(next);
                    }
                }
            }
        }

        return components;
    }

    public static void AssertSound(HyParViewNetwork network, HyParViewOptions options, string when, int minActive = 1)
    {
        var errors = Violations(network, options, minActive);
        Assert.True(errors.Count == 0, $"Seed {network.Seed}, {when}: {errors.Count} violations:\n{string.Join("\n", errors.Take(20))}");
    }
}

using Orleans.Partisan.Protocols;

namespace Orleans.Partisan.Tests.Protocols.HyParView;

/// <summary>The overlay's invariants over the live nodes of a <see cref="HyParViewNetwork"/>, checked at a quiescent point.</summary>
internal static class HyParViewInvariants
{
    /// <summary>Every violation, one line each; empty when the overlay is sound.</summary>
    public static List<string> Violations(HyParViewNetwork network, HyParViewOptions options, int minActive = 1)
    {
        var errors = new List<string>();
        if (network.Busy)
        {
            errors.Add("The network is not quiescent.");
        }

        var alive = network.Alive.Where(n => !n.Core.HasLeft).ToList();
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

            // The membership events, folded, give the known members (both views).
            var known = new HashSet<NodeName>();
            foreach (var effect in node.Effects)
            {
                if (effect is MemberJoinedEffect joined && !known.Add(joined.Member.Name))
                {
                    errors.Add($"{node.Name} reported {joined.Member.Name} joined twice in a row.");
                }
                else if (effect is MemberLeftEffect left && !known.Remove(left.Member.Name))
                {
                    errors.Add($"{node.Name} reported {left.Member.Name} left while not a member.");
                }
                else if (effect is SelfLeftEffect)
                {
                    known.Clear();
                }
            }

            if (!known.SetEquals(active.Concat(passive)))
            {
                errors.Add($"{node.Name}'s membership events add up to {known.Count} members, its views hold {active.Count + passive.Count}.");
            }

            if (!node.Core.Members.Select(m => m.Name).ToHashSet().SetEquals(active.Concat(passive).Append(node.Name)))
            {
                errors.Add($"{node.Name}'s Members are not itself and its two views.");
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
        var alive = network.Alive.Where(n => !n.Core.HasLeft).Select(n => n.Name).ToHashSet();
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

using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Orleans.Partisan.ArchitectureTests;

/// <summary>The rule that dependencies point downward only, written for one package's layers.</summary>
internal static class LayerRules
{
    /// <summary>
    /// One rule per layer, combined: the layer's types should not depend on any type of a layer of the
    /// same or a higher rank. <see langword="null"/> when the package has a single layer.
    /// </summary>
    public static IArchRule? For(PackageTypes types)
    {
        var rules = new List<IArchRule>();
        foreach (var (layer, members) in types.ByLayer)
        {
            var forbidden = types.ByLayer.Where(other => other.Key != layer && other.Key.Rank >= layer.Rank).ToList();
            if (members.Count == 0 || forbidden.Count == 0)
            {
                continue;
            }

            var allowed = types.Package.Layers.Where(l => l.Rank < layer.Rank).Select(l => l.Name).ToList();
            rules.Add(Types().That().Are(members.Cast<ICanBeAnalyzed>()).As($"Types in {layer.Name}")
                .Should().NotDependOnAny(Types().That().Are(forbidden.SelectMany(f => f.Value).Cast<ICanBeAnalyzed>()).As(string.Join(", ", forbidden.Select(f => f.Key.Name))))
                .Because($"{layer.Name} may use {(allowed.Count == 0 ? "no other layer" : string.Join(", ", allowed))} ({types.Package})"));
        }

        return rules.Count == 0 ? null : rules.Aggregate((a, b) => a.And(b));
    }
}

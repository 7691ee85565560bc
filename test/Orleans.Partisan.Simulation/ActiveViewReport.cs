using System.Globalization;
using System.Text;

namespace Orleans.Partisan.Simulation;

/// <summary>What <see cref="ActiveViewChecker"/> found: the figures of the overlay and the violations.</summary>
/// <param name="Nodes">The live nodes checked.</param>
/// <param name="MinActive">The smallest active view among them.</param>
/// <param name="MaxActive">The largest active view among them.</param>
/// <param name="MeanActive">The mean active-view size.</param>
/// <param name="Components">The connected components of the active-view graph among them.</param>
/// <param name="LargestComponent">The size of the largest component.</param>
/// <param name="ViolationCount">How many violations were found.</param>
/// <param name="Violations">The first <see cref="ActiveViewChecker.MaxListed"/> violations, in node order.</param>
internal sealed record ActiveViewReport(
    int Nodes,
    int MinActive,
    int MaxActive,
    double MeanActive,
    int Components,
    int LargestComponent,
    int ViolationCount,
    IReadOnlyList<string> Violations)
{
    /// <summary>Whether every invariant held.</summary>
    public bool Holds => ViolationCount == 0;

    /// <summary>One line of figures.</summary>
    public string Summary
        => string.Create(
            CultureInfo.InvariantCulture,
            $"{Nodes} live nodes; active view min {MinActive}, max {MaxActive}, mean {MeanActive:0.00}; {Components} component(s), largest {LargestComponent}; {ViolationCount} violation(s)");

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder(Summary);
        foreach (var violation in Violations)
        {
            text.AppendLine().Append("  - ").Append(violation);
        }

        if (ViolationCount > Violations.Count)
        {
            text.AppendLine().Append("  … and ").Append(ViolationCount - Violations.Count).Append(" more");
        }

        return text.ToString();
    }
}

using System.Globalization;

namespace Orleans.Partisan.Benchmarks;

/// <summary>Collects rows as the benchmark goes and prints them as markdown tables at the end.</summary>
internal sealed class Report
{
    private readonly List<string[]> _figures = [];
    private readonly List<string[]> _targets = [];
    private readonly List<string> _notes = [];

    public static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public void Figure(string measurement, string overlay, string baseline, string baselineValue, string ratio)
        => _figures.Add([measurement, overlay, baseline, baselineValue, ratio]);

    public void Target(string target, string figure, string required, bool? met, string verdict)
        => _targets.Add([target, figure, required, met switch { true => "**met**", false => "**not met**", null => "not measured" }, verdict]);

    public void Note(string note) => _notes.Add(note);

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("## Figures beside their baselines");
        output.WriteLine();
        Table(output, ["measurement", "Partisan overlay", "baseline", "baseline value", "overlay / baseline"], [false, true, false, true, true], _figures);
        output.WriteLine();
        output.WriteLine("## Targets");
        output.WriteLine();
        Table(output, ["target", "figure", "required", "result", "by how much"], [false, true, true, false, false], _targets);
        if (_notes.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("## Run details");
            output.WriteLine();
            foreach (var note in _notes)
            {
                output.WriteLine("- " + note);
            }
        }
    }

    private static void Table(TextWriter output, string[] header, bool[] right, List<string[]> rows)
    {
        output.WriteLine("| " + string.Join(" | ", header) + " |");
        output.WriteLine("|" + string.Join("|", right.Select(r => r ? " ---: " : " --- ")) + "|");
        foreach (var row in rows)
        {
            output.WriteLine("| " + string.Join(" | ", row) + " |");
        }
    }

    public static string Count(double value) => value.ToString("N0", Culture);

    public static string Fixed(double value, int decimals = 1) => double.IsNaN(value) ? "n/a" : value.ToString("N" + decimals.ToString(Culture), Culture);

    public static string Ratio(double value) => double.IsNaN(value) || double.IsInfinity(value) ? "n/a" : value.ToString(value >= 10 ? "0.0" : "0.00", Culture) + "x";
}

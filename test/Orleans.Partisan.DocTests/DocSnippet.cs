using System.Text.RegularExpressions;

namespace Orleans.Partisan.DocTests;

/// <summary>
/// One <c>```csharp</c> block of a Markdown file.
/// </summary>
/// <param name="File">The Markdown file, relative to the repository root, with forward slashes.</param>
/// <param name="Number">The block's number among the file's <c>csharp</c> blocks, from 1.</param>
/// <param name="Line">The line of the file (from 1) that holds the block's first line of code.</param>
/// <param name="Scaffold">
/// The scaffold named by a <c>&lt;!-- snippet: NAME --&gt;</c> comment right before the block (only blank lines
/// between), or <see langword="null"/>: the block is a complete file, compiled as it is.
/// </param>
/// <param name="Code">The block's text, without its fences, with <c>\n</c> line ends.</param>
public sealed record DocSnippet(string File, int Number, int Line, string? Scaffold, string Code)
{
    private static readonly Regex Fence = new(@"^(?<indent>[ \t]*)(?<ticks>```+|~~~+)[ \t]*(?<info>[^`\s]*)[^`]*$", RegexOptions.CultureInvariant);
    private static readonly Regex Marker = new(@"^[ \t]*<!--[ \t]*snippet:[ \t]*(?<name>[A-Za-z0-9-]*)[ \t]*-->[ \t]*$", RegexOptions.CultureInvariant);
    private static readonly Regex AnyMarker = new(@"<!--[ \t]*snippet", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>Where the block is, as a failure message names it: <c>README.md block 3 (line 42)</c>.</summary>
    public string Where => $"{File} block {Number} (line {Line})";

    /// <summary>
    /// The <c>csharp</c> blocks of <paramref name="markdown"/>, in order. Throws <see cref="FormatException"/>,
    /// naming the file and line, for what would otherwise let a block go unchecked: a C# block fenced as
    /// <c>cs</c> or <c>c#</c>, a snippet marker that does not stand right before a <c>csharp</c> block or is
    /// malformed, and an unclosed fence.
    /// </summary>
    public static IReadOnlyList<DocSnippet> Extract(string file, string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var snippets = new List<DocSnippet>();
        (string Name, int Line)? pendingMarker = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (Marker.Match(line) is { Success: true } marker)
            {
                if (pendingMarker is { } earlier)
                {
                    throw new FormatException($"{file}:{earlier.Line}: snippet marker '{earlier.Name}' is not followed by a ```csharp block.");
                }

                pendingMarker = (marker.Groups["name"].Value, i + 1);
                continue;
            }

            if (AnyMarker.IsMatch(line))
            {
                throw new FormatException($"{file}:{i + 1}: malformed snippet marker '{line.Trim()}'; write <!-- snippet: NAME --> alone on its line.");
            }

            var fence = Fence.Match(line);
            if (!fence.Success)
            {
                if (pendingMarker is { } dangling && line.Trim().Length > 0)
                {
                    throw new FormatException($"{file}:{dangling.Line}: snippet marker '{dangling.Name}' is not followed by a ```csharp block.");
                }

                continue;
            }

            var info = fence.Groups["info"].Value;
            if (info is "cs" or "c#" or "C#" or "CSharp" or "CS")
            {
                throw new FormatException($"{file}:{i + 1}: a C# block fenced as '{info}'; fence it as ```csharp so that it is compiled.");
            }

            var isCSharp = info == "csharp";
            if (!isCSharp && pendingMarker is { } misplaced)
            {
                throw new FormatException($"{file}:{misplaced.Line}: snippet marker '{misplaced.Name}' is not followed by a ```csharp block.");
            }

            // Find the closing fence: the same characters, at least as many, nothing else on the line.
            var indent = fence.Groups["indent"].Value;
            var ticks = fence.Groups["ticks"].Value;
            var close = i + 1;
            while (close < lines.Length && !IsClosingFence(lines[close], ticks))
            {
                close++;
            }

            if (close == lines.Length)
            {
                throw new FormatException($"{file}:{i + 1}: the block opened here is never closed.");
            }

            if (isCSharp)
            {
                var code = lines[(i + 1)..close].Select(l => l.StartsWith(indent, StringComparison.Ordinal) ? l[indent.Length..] : l.TrimStart());
                snippets.Add(new DocSnippet(file, snippets.Count + 1, i + 2, pendingMarker?.Name, string.Join('\n', code) + "\n"));
            }

            pendingMarker = null;
            i = close;
        }

        if (pendingMarker is { } last)
        {
            throw new FormatException($"{file}:{last.Line}: snippet marker '{last.Name}' is not followed by a ```csharp block.");
        }

        return snippets;
    }

    private static bool IsClosingFence(string line, string ticks)
    {
        var trimmed = line.Trim();
        return trimmed.Length >= ticks.Length && trimmed.All(c => c == ticks[0]);
    }
}

namespace Orleans.Partisan.DocTests;

/// <summary>The Markdown files whose C# blocks must compile, read from the repository this test was built in.</summary>
public static class Repository
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.Partisan.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Orleans.Partisan.sln above {AppContext.BaseDirectory}.");
    });

    /// <summary>The repository's root folder.</summary>
    public static string Root => RootPath.Value;

    /// <summary>
    /// README.md, docs/*.md, samples/*/README.md and src/*/README.md (each package's page on nuget.org), relative to the
    /// root, with forward slashes, in order.
    /// </summary>
    public static IReadOnlyList<string> Documents()
    {
        var files = new List<string> { "README.md" };
        files.AddRange(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Select(Relative).Order(StringComparer.Ordinal));
        files.AddRange(Directory.GetDirectories(Path.Combine(Root, "samples"))
            .Select(d => Path.Combine(d, "README.md"))
            .Where(File.Exists)
            .Select(Relative)
            .Order(StringComparer.Ordinal));
        files.AddRange(Directory.GetDirectories(Path.Combine(Root, "src"))
            .Select(d => Path.Combine(d, "README.md"))
            .Where(File.Exists)
            .Select(Relative)
            .Order(StringComparer.Ordinal));
        return files;
    }

    /// <summary>The text of <paramref name="file"/> (relative to the root).</summary>
    public static string Read(string file) => File.ReadAllText(Path.Combine(Root, file));

    /// <summary>The C# blocks of <paramref name="file"/>; throws <see cref="FormatException"/> for a malformed marker or fence.</summary>
    public static IReadOnlyList<DocSnippet> Snippets(string file) => DocSnippet.Extract(file, Read(file));

    private static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');
}

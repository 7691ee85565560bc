using System.Text.RegularExpressions;

namespace Orleans.Partisan.ArchitectureTests;

/// <summary>
/// One C# source file of a package as the architecture tests see it: the folder it sits in (relative
/// to the package folder, <c>""</c> for the package folder itself), the namespace it declares and the
/// top-level types it declares.
/// </summary>
/// <remarks>
/// Read with regular expressions, which is enough because the build enforces file-scoped namespaces
/// (<c>csharp_style_namespace_declarations</c> in <c>.editorconfig</c>): a top-level type starts at the
/// first column, a nested one is indented.
/// </remarks>
internal sealed partial record SourceFile(string Path, string Folder, string? Namespace, IReadOnlyList<DeclaredType> Types)
{
    /// <summary>The layer folder: the first segment of <see cref="Folder"/> (<c>Protocols/Broadcast</c> is in <c>Protocols</c>).</summary>
    public string LayerFolder => Folder.Split('/')[0];

    /// <summary>Reads every C# file under <paramref name="packageDirectory"/>, build output excluded.</summary>
    public static IReadOnlyList<SourceFile> ReadAll(string packageDirectory) =>
        [.. Directory.EnumerateFiles(packageDirectory, "*.cs", SearchOption.AllDirectories)
            .Select(path => System.IO.Path.GetRelativePath(packageDirectory, path).Replace('\\', '/'))
            .Where(relative => !relative.StartsWith("obj/", StringComparison.Ordinal) && !relative.StartsWith("bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(relative => Parse(relative, File.ReadAllText(System.IO.Path.Combine(packageDirectory, relative))))];

    /// <summary>Parses one file's text; <paramref name="relativePath"/> is relative to its package folder.</summary>
    public static SourceFile Parse(string relativePath, string text)
    {
        var folder = System.IO.Path.GetDirectoryName(relativePath)?.Replace('\\', '/') ?? "";
        var ns = NamespaceDeclaration().Match(text) is { Success: true } m ? m.Groups["name"].Value : null;
        var types = TypeDeclaration().Matches(text)
            .Select(t => new DeclaredType(
                ns is null ? t.Groups["name"].Value : $"{ns}.{t.Groups["name"].Value}",
                t.Groups["modifiers"].Value.Contains("public ", StringComparison.Ordinal)))
            .DistinctBy(t => t.FullName)
            .ToList();
        return new SourceFile(relativePath, folder, ns, types);
    }

    [GeneratedRegex(@"^namespace\s+(?<name>[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    // A declaration at the first column: modifiers, the kind, then the name (generic arity kept as `N).
    [GeneratedRegex(@"^(?<modifiers>(?:(?:public|internal|file|static|sealed|abstract|partial|readonly|ref|unsafe)\s+)*)(?:record\s+(?:class|struct)|record|class|struct|interface|enum|delegate\s+[\w<>\[\]?,. ]+?)\s+(?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();
}

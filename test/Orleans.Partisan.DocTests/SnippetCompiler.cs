using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Orleans.Partisan.DocTests;

/// <summary>
/// Compiles a <see cref="DocSnippet"/> with Roslyn in this process, against the runtime's trusted platform
/// assemblies and every assembly this test project references (Orleans, the Orleans.Partisan packages, the
/// ReplicatedKeyValue sample, TestingHost, Microsoft.Extensions.Hosting, xunit). Orleans' source generators do
/// not run: a block is checked to compile, not to serialize.
/// </summary>
public static class SnippetCompiler
{
    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(LoadReferences);

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>
    /// The errors and warnings of <paramref name="snippet"/> (warnings are errors in this repository), each as
    /// <c>README.md block 3 (line 42): README.md(44,13): error CS0246: …</c>; empty when it compiles.
    /// </summary>
    public static IReadOnlyList<string> Diagnose(DocSnippet snippet)
    {
        var source = SnippetScaffolds.Wrap(snippet);
        var tree = CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"{snippet.File}#block{snippet.Number}", encoding: Encoding.UTF8);
        var globalUsings = CSharpSyntaxTree.ParseText(
            string.Concat(SnippetScaffolds.ImplicitUsings.Select(u => $"global using global::{u};\n")), ParseOptions, path: "ImplicitUsings.g.cs");
        var isProgram = tree.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();
        var options = new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary)
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithWarningLevel(9999)
            .WithAllowUnsafe(false)
            // What the SDK passes to every compilation: assembly-unification notes are not warnings.
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress });
        var compilation = CSharpCompilation.Create($"Snippet_{snippet.Number}", [globalUsings, tree], References.Value, options);
        using var peStream = new MemoryStream();
        var result = compilation.Emit(peStream);
        return result.Diagnostics
            .Where(d => d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning && !d.IsSuppressed)
            // Unused global usings are the project's, not the block's.
            .Where(d => d.Location.SourceTree != globalUsings)
            .OrderBy(d => d.Location.SourceSpan.Start)
            .Select(d => Describe(snippet, d))
            .ToList();
    }

    private static string Describe(DocSnippet snippet, Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetMappedLineSpan();
        var where = span.HasMappedPath
            ? $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})"
            : $"{snippet.File} (in the scaffold '{snippet.Scaffold}', around the block)";
        var severity = diagnostic.Severity == DiagnosticSeverity.Error ? "error" : "warning";
        return $"{snippet.Where}: {where}: {severity} {diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static IReadOnlyList<MetadataReference> LoadReferences()
    {
        // The trusted platform assemblies hold the runtime and, under the test host, every assembly of this
        // project's deps.json; the output folder is added for any that a host leaves out. One per assembly name.
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var local = Directory.GetFiles(AppContext.BaseDirectory, "*.dll");
        var byName = new Dictionary<string, MetadataReference>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in trusted.Concat(local))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (byName.ContainsKey(name) || !IsManagedAssembly(path))
            {
                continue;
            }

            byName[name] = MetadataReference.CreateFromFile(path);
        }

        return [.. byName.Values];
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            _ = AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException)
        {
            return false;
        }
    }
}

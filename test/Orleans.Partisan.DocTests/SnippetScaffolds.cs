namespace Orleans.Partisan.DocTests;

/// <summary>
/// The contexts a Markdown C# block can be compiled in. A block with no marker is a complete file (a program with
/// top-level statements, or a file of types) and is compiled as it is. A fragment that cannot be a complete file
/// says so, visibly in the Markdown source, with an HTML comment right before its fence:
/// <code>
/// &lt;!-- snippet: in-method --&gt;
/// ```csharp
/// await partisan.BroadcastAsync&lt;IReplicatedKeyValue&gt;(new KeyValueWrite("colour", "red"));
/// ```
/// </code>
/// Every block is compiled as a file of a <c>dotnet new console</c> project that references the packages: C# latest,
/// nullable enabled, warnings as errors, and the implicit usings such a project has (<see cref="ImplicitUsings"/>).
/// </summary>
public static class SnippetScaffolds
{
    /// <summary>
    /// The global usings of every block: those of a console project with <c>ImplicitUsings</c> (the SDK's), and
    /// <c>Orleans</c>, which Microsoft.Orleans.Sdk adds to such a project (Microsoft.Orleans.Server brings it).
    /// </summary>
    public static readonly IReadOnlyList<string> ImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks",
        "Orleans",
    ];

    /// <summary>The namespaces a scaffolded fragment sees, beside <see cref="ImplicitUsings"/>.</summary>
    public static readonly IReadOnlyList<string> FragmentUsings =
    [
        "System.Net",
        "Microsoft.Extensions.Configuration",
        "Microsoft.Extensions.DependencyInjection",
        "Microsoft.Extensions.Hosting",
        "Microsoft.Extensions.Logging",
        "Orleans.Hosting",
        "Orleans.Runtime",
        "Orleans.TestingHost",
        "Orleans.Partisan",
        "Orleans.Partisan.Clustering",
        "Orleans.Partisan.Testing",
        "ReplicatedKeyValue",
    ];

    /// <summary>
    /// The variables an <c>in-method</c> fragment may use without declaring them, as parameters of the method it
    /// is the body of.
    /// </summary>
    public static readonly IReadOnlyList<(string Type, string Name, string Meaning)> InMethodVariables =
    [
        ("IPartisan", "partisan", "the overlay node of a silo (injectable on a silo)"),
        ("ISiloBuilder", "siloBuilder", "the builder of a silo, as in builder.UseOrleans(siloBuilder => ...)"),
        ("IClientBuilder", "clientBuilder", "the builder of an Orleans client"),
        ("IClusterClient", "client", "an Orleans client"),
        ("IGrainFactory", "grainFactory", "the grain factory of a silo or client"),
        ("SiloAddress", "siloAddress", "the address of a silo"),
        ("NodeName", "node", "the overlay name of another silo"),
        ("ILogger", "logger", "a logger"),
        ("CancellationToken", "ct", "a cancellation token"),
    ];

    /// <summary>The scaffolds by marker name, with what each wraps a block in.</summary>
    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["in-method"] = "statements: the body of an async method (it may await) whose parameters are the documented variables "
            + $"({string.Join(", ", InMethodVariables.Select(v => $"{v.Type} {v.Name}"))}), in a file with the fragment usings",
        ["in-class"] = "members (fields, properties, methods, nested types): the body of a class, in a file with the fragment usings",
    };

    /// <summary>The source text of <paramref name="snippet"/> in its scaffold, with <c>#line</c> directives that map diagnostics back to the Markdown file.</summary>
    /// <exception cref="ArgumentException">The marker names no scaffold.</exception>
    public static string Wrap(DocSnippet snippet)
    {
        var mapped = $"#line {snippet.Line} \"{snippet.File}\"\n{snippet.Code}#line default\n";
        var usings = string.Concat(FragmentUsings.Select(u => $"using {u};\n"));
        return snippet.Scaffold switch
        {
            null => mapped,
            "in-method" =>
                usings
                + "#pragma warning disable CS1998 // a fragment need not await\n"
                + "public static class Snippet\n{\n"
                + $"    public static async Task RunAsync({string.Join(", ", InMethodVariables.Select(v => $"{v.Type} {v.Name}"))})\n    {{\n"
                + mapped
                + "    }\n}\n",
            "in-class" =>
                usings
                + "public sealed partial class Snippet\n{\n"
                + mapped
                + "}\n",
            var unknown => throw new ArgumentException(
                $"{snippet.Where}: unknown snippet marker '{unknown}'; the scaffolds are: {string.Join("; ", Descriptions.Select(d => $"'{d.Key}': {d.Value}"))}.",
                nameof(snippet)),
        };
    }
}

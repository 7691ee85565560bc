using System.Reflection;

namespace Orleans.Partisan.ArchitectureTests;

/// <summary>
/// How one package is laid out: its layers from the bottom up, where its public types may be declared,
/// and the one namespace exception for builder extensions. <see cref="All"/> lists every package; the
/// table in <c>docs/architecture.md</c> describes the same layers in words.
/// </summary>
/// <param name="Directory">The package's folder, relative to the repository root.</param>
/// <param name="RootNamespace">The package's root namespace.</param>
/// <param name="Assembly">The package's assembly.</param>
/// <param name="Layers">Every folder that may hold code, with its rank.</param>
/// <param name="PublicFolders">The folders that may declare public types.</param>
internal sealed record PackageLayout(string Directory, string RootNamespace, Assembly Assembly, IReadOnlyList<Layer> Layers, IReadOnlySet<string> PublicFolders)
{
    /// <summary>
    /// The namespace of the public builder extensions (<c>AddPartisan</c>, <c>UsePartisanClustering</c>),
    /// which every package declares in its <c>Hosting/</c> folder.
    /// </summary>
    public const string BuilderNamespace = "Orleans.Partisan";

    /// <summary>The folder of the builder extensions, the one place a type may use <see cref="BuilderNamespace"/> whatever its folder's namespace.</summary>
    public const string HostingFolder = "Hosting";

    /// <summary>The main package.</summary>
    public static readonly PackageLayout Partisan = new(
        "src/Orleans.Partisan",
        "Orleans.Partisan",
        typeof(IPartisan).Assembly,
        [
            new("Abstractions", 0, "Orleans.Partisan"),
            new("Diagnostics", 0, "Orleans.Partisan"),
            new("Protocols", 2),
            new("Transport", 2),
            new("Runtime", 3),
            new("Grains", 4),
            new("Membership", 5),
            new(HostingFolder, 6),
        ],
        new HashSet<string> { "Abstractions", "Diagnostics", HostingFolder });

    /// <summary>The storage-free clustering package (see the Layout section of <c>docs/clustering.md</c>).</summary>
    public static readonly PackageLayout Clustering = new(
        "src/Orleans.Partisan.Clustering",
        "Orleans.Partisan.Clustering",
        typeof(Clustering.PartisanClusteringOptions).Assembly,
        [
            new("", 0),
            new("Table", 1),
            new("TableService", 2),
            new("Consensus", 3),
            new("Membership", 4),
            new(HostingFolder, 5),
        ],
        new HashSet<string> { "", HostingFolder });

    /// <summary>The fault-injection package for tests: one layer above the main package.</summary>
    public static readonly PackageLayout Testing = new(
        "src/Orleans.Partisan.Testing",
        "Orleans.Partisan.Testing",
        typeof(Testing.PartisanFaults).Assembly,
        [new("", 0)],
        new HashSet<string> { "" });

    /// <summary>The Aspire hosting integration: the seed group at the root, the app host's builder extensions above it.</summary>
    public static readonly PackageLayout AspireHosting = new(
        "src/Orleans.Partisan.Aspire.Hosting",
        "Orleans.Partisan.Aspire.Hosting",
        typeof(Aspire.Hosting.PartisanSeedGroup).Assembly,
        [new("", 0), new(HostingFolder, 1)],
        new HashSet<string> { "", HostingFolder });

    /// <summary>The overlay page for ASP.NET Core: its page, state and event feed at the root, <c>MapPartisanDashboard</c> in <c>Hosting/</c>.</summary>
    public static readonly PackageLayout Dashboard = new(
        "src/Orleans.Partisan.Dashboard",
        "Orleans.Partisan.Dashboard",
        typeof(Dashboard.PartisanDashboardOptions).Assembly,
        [new("", 0), new(HostingFolder, 1)],
        new HashSet<string> { "", HostingFolder });

    /// <summary>Every package, for theories.</summary>
    public static readonly IReadOnlyDictionary<string, PackageLayout> All = new Dictionary<string, PackageLayout>
    {
        [Partisan.Directory] = Partisan,
        [Clustering.Directory] = Clustering,
        [Testing.Directory] = Testing,
        [AspireHosting.Directory] = AspireHosting,
        [Dashboard.Directory] = Dashboard,
    };

    /// <summary>The layer of a folder (its first segment), or <see langword="null"/> when the folder is not a layer.</summary>
    public Layer? LayerOf(string folder) => Layers.FirstOrDefault(l => l.Folder == folder.Split('/')[0]);

    /// <summary>The namespace a file in <paramref name="folder"/> declares.</summary>
    public string NamespaceOf(string folder)
    {
        var layer = LayerOf(folder);
        var rest = folder.Split('/', 2) is [_, var sub] ? "." + sub.Replace('/', '.') : "";
        return layer?.Namespace is { } ns ? ns + rest
            : folder.Length == 0 ? RootNamespace
            : $"{RootNamespace}.{folder.Replace('/', '.')}";
    }

    /// <summary>The package's source files, read from the repository this test runs in.</summary>
    public IReadOnlyList<SourceFile> ReadSources() => SourceFile.ReadAll(Path.Combine(RepositoryRoot.Path, Directory));

    /// <inheritdoc />
    public override string ToString() => Directory;
}

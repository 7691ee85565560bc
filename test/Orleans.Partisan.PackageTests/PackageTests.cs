using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Orleans.Partisan.PackageTests;

/// <summary>
/// Each package as a user gets it from <c>dotnet pack</c>: no warnings, a README of its own, the project's and the
/// repository's addresses with the commit, the one version, XML docs, and a PDB inside the DLL whose SourceLink
/// points at the commit's sources on GitHub (machine-independent paths on a CI build).
/// </summary>
public sealed partial class PackageTests
{
    private const string PublicRepository = "https://github.com/orleans-partisan/Orleans.Partisan";

    private static readonly ConcurrentDictionary<string, Lazy<PackedPackage>> Packed = new();

    private static readonly string[] Ids = ["Orleans.Partisan", "Orleans.Partisan.Clustering", "Orleans.Partisan.Dashboard", "Orleans.Partisan.Testing", "Orleans.Partisan.Aspire.Hosting"];

    public static TheoryData<string> Packages => new(Ids);

    [Fact]
    public void ThePackagesTested_AreEveryProjectUnderSrc()
    {
        var projects = Directory.GetDirectories(Path.Combine(RepositoryRoot.Path, "src"))
            .Where(d => File.Exists(Path.Combine(d, Path.GetFileName(d) + ".csproj")))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal);

        Assert.Equal(Ids.Order(StringComparer.Ordinal), projects);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Pack_PrintsNoWarning(string id)
    {
        var warnings = Get(id).PackOutput.Split('\n').Where(l => l.Contains("warning", StringComparison.OrdinalIgnoreCase)).ToList();

        Assert.True(warnings.Count == 0, $"dotnet pack of {id} warned:\n{string.Join('\n', warnings)}");
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Package_CarriesItsOwnReadme(string id)
    {
        var package = Get(id);

        Assert.Equal("README.md", package.Metadata("readme"));
        Assert.True(package.Files.ContainsKey("README.md"), $"{id}'s package has no README.md");
        Assert.Equal(File.ReadAllBytes(Path.Combine(RepositoryRoot.Path, "src", id, "README.md")), package.Files["README.md"]);
        Assert.StartsWith($"# {id}\n", File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", id, "README.md")), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Package_NamesTheProjectTheRepositoryItsCommitAndTheLicense(string id)
    {
        var package = Get(id);

        Assert.Equal(PublicRepository, package.Metadata("projectUrl"));
        Assert.Equal("git", package.Repository("type"));
        Assert.Equal(PublicRepository + ".git", package.Repository("url"));
        Assert.Equal(HeadCommit(), package.Repository("commit"));
        Assert.Equal("MIT", package.Metadata("license"));
        Assert.False(string.IsNullOrWhiteSpace(package.Metadata("description")), $"{id} has no description");
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Package_HasTheOneVersionWrittenInSrcDirectoryBuildProps(string id)
    {
        var props = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "Directory.Build.props"));
        var prefixes = VersionPrefix().Matches(props);
        Assert.True(prefixes.Count == 1, $"src/Directory.Build.props writes VersionPrefix {prefixes.Count} times, expected once");
        Assert.Equal(prefixes[0].Groups[1].Value, Get(id).Metadata("version"));
        var elsewhere = Directory.GetFiles(RepositoryRoot.Path, "*.csproj", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("<Version", StringComparison.Ordinal)).ToList();
        Assert.True(elsewhere.Count == 0, $"a version is also written in {string.Join(", ", elsewhere)}");
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Package_HasTheAssemblyAndItsXmlDocs(string id)
    {
        var package = Get(id);

        Assert.True(package.Files.ContainsKey($"lib/net10.0/{id}.dll"), $"{id}'s package has no lib/net10.0/{id}.dll");
        Assert.Contains("<member name=", System.Text.Encoding.UTF8.GetString(package.Files[$"lib/net10.0/{id}.xml"]), StringComparison.Ordinal);
        Assert.DoesNotContain(package.Files.Keys, f => f.EndsWith(".pdb", StringComparison.Ordinal) || f.EndsWith(".snupkg", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Assembly_EmbedsAPdbWhoseSourceLinkPointsAtTheCommitOnGitHub(string id)
    {
        var (sourceLink, documents) = Get(id).EmbeddedPdb();

        Assert.NotNull(sourceLink);
        var link = SourceLinkUrl().Match(sourceLink);
        Assert.True(link.Success, $"{id}'s SourceLink does not point at the public repository on GitHub: {sourceLink}");

        // The commit the DLL was built from: HEAD when built and tested together (CI); an earlier commit of this clone when
        // a developer commits between building and testing.
        var commit = link.Groups["commit"].Value;
        Assert.Equal(commit, PackedPackage.Run("git", ["rev-parse", "--verify", commit + "^{commit}"], RepositoryRoot.Path).Trim());
        Assert.Contains(documents, d => d.EndsWith(".cs", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Assembly_OnACiBuild_HasMachineIndependentPaths(string id)
    {
        var (_, documents) = Get(id).EmbeddedPdb();
        var ci = Environment.GetEnvironmentVariable("CI") == "true";

        // CI=true (set by CI servers and by .ci/run) turns on ContinuousIntegrationBuild: every path is mapped to /_/, so
        // two builds of one commit on two machines give the same bytes. A local build keeps this clone's paths (or the
        // mapped ones, when it reuses what a CI build of the same configuration compiled); never a mixture.
        var mapped = documents.Count(d => d.StartsWith("/_/", StringComparison.Ordinal));
        var local = documents.Count(d => d.StartsWith(RepositoryRoot.Path, StringComparison.Ordinal));
        Assert.True(ci ? mapped == documents.Count : mapped == documents.Count || local == documents.Count,
            $"CI={ci}: of {documents.Count} PDB documents of {id}, {mapped} start with /_/ and {local} with {RepositoryRoot.Path}, e.g. {documents.FirstOrDefault()}");
    }

    private static PackedPackage Get(string id) => Packed.GetOrAdd(id, i => new Lazy<PackedPackage>(() => PackedPackage.Pack(i))).Value;

    private static string HeadCommit() => PackedPackage.Run("git", ["rev-parse", "HEAD"], RepositoryRoot.Path).Trim();

    [GeneratedRegex("\"https://raw\\.githubusercontent\\.com/orleans-partisan/Orleans\\.Partisan/(?<commit>[0-9a-f]{40})/\\*\"")]
    private static partial Regex SourceLinkUrl();

    [GeneratedRegex("<VersionPrefix>([^<]+)</VersionPrefix>")]
    private static partial Regex VersionPrefix();
}

namespace Orleans.Partisan.ArchitectureTests;

/// <summary>
/// Every source file sits in a layer's folder and declares that folder's namespace; public types are
/// declared only where the package keeps its public surface.
/// </summary>
public sealed class SourceLayoutTests
{
    public static TheoryData<string> Packages => [.. PackageLayout.All.Keys];

    [Theory]
    [MemberData(nameof(Packages))]
    public void EveryFolderIsALayer(string package)
    {
        var layout = PackageLayout.All[package];
        var strays = layout.ReadSources().Where(f => layout.LayerOf(f.Folder) is null).Select(f => f.Path).ToList();
        Assert.True(strays.Count == 0, $"{package}: files outside the layers {string.Join(", ", layout.Layers.Select(l => l.Name))}: {string.Join(", ", strays)}");
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void NamespacesMatchFolders(string package)
    {
        var wrong = NamespaceMismatches(PackageLayout.All[package], PackageLayout.All[package].ReadSources());
        Assert.True(wrong.Count == 0, $"{package}: namespaces that do not match their folder:\n{string.Join("\n", wrong)}");
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void PublicTypesLiveInPublicFolders(string package)
    {
        var layout = PackageLayout.All[package];
        var misplaced = layout.ReadSources()
            .Where(f => !layout.PublicFolders.Contains(f.LayerFolder))
            .SelectMany(f => f.Types.Where(t => t.IsPublic).Select(t => $"{f.Path}: {t.FullName}"))
            .ToList();
        Assert.True(misplaced.Count == 0, $"{package}: public types outside {string.Join(", ", layout.PublicFolders.Select(f => f.Length == 0 ? "(package root)" : f + "/"))}:\n{string.Join("\n", misplaced)}");
    }

    [Fact]
    public void ANamespaceThatDoesNotMatchItsFolderIsReported()
    {
        var layout = PackageLayout.Partisan;
        var files = new[]
        {
            SourceFile.Parse("Runtime/Good.cs", "namespace Orleans.Partisan.Runtime;\n\ninternal sealed class Good;\n"),
            SourceFile.Parse("Protocols/HyParView/Good.cs", "namespace Orleans.Partisan.Protocols.HyParView;\n\ninternal sealed class Good2;\n"),
            SourceFile.Parse("Abstractions/Good.cs", "namespace Orleans.Partisan;\n\npublic sealed record Good3(int X);\n"),
            SourceFile.Parse("Hosting/GoodExtensions.cs", "namespace Orleans.Partisan;\n\npublic static class GoodExtensions\n{\n    internal sealed class Nested;\n}\n"),
            SourceFile.Parse("Runtime/Bad.cs", "namespace Orleans.Partisan.Transport;\n\ninternal sealed class Bad;\n"),
            SourceFile.Parse("Hosting/BadHelper.cs", "namespace Orleans.Partisan;\n\ninternal static class BadHelper;\n"),
            SourceFile.Parse("Transport/NoNamespace.cs", "internal sealed class NoNamespace;\n"),
        };

        var wrong = NamespaceMismatches(layout, files);

        Assert.Equal(["Runtime/Bad.cs", "Hosting/BadHelper.cs", "Transport/NoNamespace.cs"], wrong.Select(w => w.Split(':')[0]));
    }

    [Fact]
    public void TheSourceReaderFindsTopLevelTypesOnly()
    {
        var file = SourceFile.Parse("Runtime/X.cs", """
            namespace Orleans.Partisan.Runtime;

            [GenerateSerializer]
            public sealed partial record class A<T>(int X)
            {
                private sealed class Nested;
            }

            internal readonly record struct B;

            internal delegate ValueTask<int> C(string s);

            internal enum D { One }

            file static class E;
            """);

        Assert.Equal("Runtime", file.Folder);
        Assert.Equal("Orleans.Partisan.Runtime", file.Namespace);
        Assert.Equal(
            [("Orleans.Partisan.Runtime.A", true), ("Orleans.Partisan.Runtime.B", false), ("Orleans.Partisan.Runtime.C", false), ("Orleans.Partisan.Runtime.D", false), ("Orleans.Partisan.Runtime.E", false)],
            file.Types.Select(t => (t.FullName, t.IsPublic)));
    }

    /// <summary>
    /// Files whose namespace is not their folder's. A file in <c>Hosting/</c> may instead declare
    /// <see cref="PackageLayout.BuilderNamespace"/> when every type in it is public (the builder extensions).
    /// </summary>
    private static List<string> NamespaceMismatches(PackageLayout layout, IEnumerable<SourceFile> files) =>
        [.. files
            .Where(f => f.Namespace != layout.NamespaceOf(f.Folder)
                && !(f.Folder == PackageLayout.HostingFolder && f.Namespace == PackageLayout.BuilderNamespace && f.Types.Count > 0 && f.Types.All(t => t.IsPublic)))
            .Select(f => $"{f.Path}: declares {f.Namespace ?? "no namespace"}, expected {layout.NamespaceOf(f.Folder)}")];
}

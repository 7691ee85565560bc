using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;

namespace Orleans.Partisan.ArchitectureTests;

/// <summary>
/// Dependencies point downward only: a type may use types of its own layer and of lower layers of its
/// package, never a higher layer or a sibling of the same rank. Checked on the compiled assemblies
/// (signatures, fields, calls, attributes), not on <c>using</c> lines.
/// </summary>
public sealed class LayerDependencyTests
{
    private static readonly Architecture Architecture = new ArchLoader()
        .LoadAssemblies([.. PackageLayout.All.Values.Select(p => p.Assembly)])
        .Build();

    public static TheoryData<string> Packages => [.. PackageLayout.All.Keys];

    public static TheoryData<string> LayeredPackages => [.. PackageLayout.All.Where(p => p.Value.Layers.Count > 1).Select(p => p.Key)];

    [Theory]
    [MemberData(nameof(LayeredPackages))]
    public void NoLayerUsesAHigherOrSiblingLayer(string package)
    {
        var rule = LayerRules.For(PackageTypes.Of(PackageLayout.All[package], Architecture));

        Assert.NotNull(rule);
        rule.Check(Architecture);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void EverySourceTypeIsCompiledAndEveryLayerHoldsTypes(string package)
    {
        var types = PackageTypes.Of(PackageLayout.All[package], Architecture);
        Assert.True(types.Undeclared.Count == 0, $"{package}: declared in source but not found in {types.Package.Assembly.GetName().Name}: {string.Join(", ", types.Undeclared)}");
        var empty = types.ByLayer.Where(p => p.Value.Count == 0).Select(p => p.Key.Name).ToList();
        Assert.True(empty.Count == 0, $"{package}: layers with no types (remove them from PackageLayout or the folder is misnamed): {string.Join(", ", empty)}");
    }

    [Fact]
    public void ALowerLayerThatUsesAHigherOneIsReported()
    {
        var fixture = new PackageLayout(
            "test/Orleans.Partisan.ArchitectureTests/Fixtures",
            "Orleans.Partisan.ArchitectureTests.Fixtures",
            typeof(LayerDependencyTests).Assembly,
            [new("Lower", 0), new("Upper", 1)],
            new HashSet<string>());
        var architecture = new ArchLoader().LoadAssemblies(fixture.Assembly).Build();
        var rule = LayerRules.For(PackageTypes.Of(fixture, architecture));

        Assert.NotNull(rule);
        var failure = Assert.Throws<FailedArchRuleException>(() => rule.Check(architecture));
        Assert.Contains("Fixtures.Lower.LowerThing does depend on", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Fixtures.Upper.UpperThing", failure.Message, StringComparison.Ordinal);
    }
}

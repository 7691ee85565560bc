using ArchUnitNET.Domain;

namespace Orleans.Partisan.ArchitectureTests;

/// <summary>
/// The compiled types of a package, each assigned to the layer whose folder declares it (nested and
/// compiler-generated types go with the type that holds them). Types no source file declares, such as
/// the serializers Orleans' code generator emits into <c>OrleansCodeGen.*</c>, belong to no layer.
/// </summary>
internal sealed class PackageTypes
{
    private PackageTypes(PackageLayout package, IReadOnlyDictionary<Layer, IReadOnlyList<IType>> byLayer, IReadOnlyList<string> undeclared)
    {
        Package = package;
        ByLayer = byLayer;
        Undeclared = undeclared;
    }

    /// <summary>The package.</summary>
    public PackageLayout Package { get; }

    /// <summary>Every compiled type of each layer.</summary>
    public IReadOnlyDictionary<Layer, IReadOnlyList<IType>> ByLayer { get; }

    /// <summary>Types a source file declares that the assembly does not hold: the source reader missed something.</summary>
    public IReadOnlyList<string> Undeclared { get; }

    /// <summary>Reads the package's sources and assigns the types <paramref name="architecture"/> holds of its assembly to layers.</summary>
    public static PackageTypes Of(PackageLayout package, Architecture architecture)
    {
        var folderOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in package.ReadSources())
        {
            foreach (var type in file.Types)
            {
                folderOf[type.FullName] = file.Folder;
            }
        }

        var assemblyName = package.Assembly.GetName().Name;
        var compiled = architecture.Types.Where(t => t.Assembly.Name.Split(',')[0] == assemblyName).ToList();
        var byLayer = package.Layers.ToDictionary(l => l, _ => new List<IType>());
        foreach (var type in compiled)
        {
            if (folderOf.TryGetValue(OutermostWithoutArity(type.FullName), out var folder) && package.LayerOf(folder) is { } layer)
            {
                byLayer[layer].Add(type);
            }
        }

        var compiledNames = compiled.Select(t => OutermostWithoutArity(t.FullName)).ToHashSet(StringComparer.Ordinal);
        return new PackageTypes(
            package,
            byLayer.ToDictionary(p => p.Key, p => (IReadOnlyList<IType>)p.Value),
            [.. folderOf.Keys.Where(name => !compiledNames.Contains(name)).Order(StringComparer.Ordinal)]);
    }

    /// <summary>The name of the outermost type holding a type (nested types are written <c>Outer+Inner</c>), without generic arity.</summary>
    private static string OutermostWithoutArity(string fullName)
    {
        var end = fullName.IndexOfAny(['+', '`', '<']);
        return end < 0 ? fullName : fullName[..end];
    }
}

namespace Orleans.Partisan.Fuzz;

/// <summary>The corpus on disk: <c>corpus/&lt;target&gt;/&lt;seed name&gt;.bin</c>, beside the sources and copied beside the binaries.</summary>
internal static class Corpus
{
    /// <summary>The corpus folder beside the running binaries.</summary>
    public static string Default => Path.Combine(AppContext.BaseDirectory, "corpus");

    /// <summary>The inputs of <paramref name="target"/> in <paramref name="root"/>, by file name.</summary>
    public static IReadOnlyList<(string Name, byte[] Input)> Read(string root, string target)
    {
        var folder = Path.Combine(root, target);
        return Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder, "*.bin").Order(StringComparer.Ordinal).Select(f => (Path.GetFileNameWithoutExtension(f), File.ReadAllBytes(f)))]
            : [];
    }

    /// <summary>Writes every target's seeds to <paramref name="root"/> (crashers already there stay).</summary>
    public static int WriteSeeds(string root)
    {
        var written = 0;
        foreach (var target in FuzzRunner.Targets)
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, target.Name)).FullName;
            foreach (var (name, input) in target.Seeds())
            {
                File.WriteAllBytes(Path.Combine(folder, name + ".bin"), input);
                written++;
            }
        }

        return written;
    }
}

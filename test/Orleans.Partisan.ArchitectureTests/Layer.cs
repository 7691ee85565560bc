namespace Orleans.Partisan.ArchitectureTests;

/// <summary>One layer of a package: a top-level folder and its rank.</summary>
/// <param name="Folder">The folder, relative to the package folder; <c>""</c> for files in the package folder itself.</param>
/// <param name="Rank">
/// A layer may use layers of a lower rank only. Two layers of the same rank are siblings and may not
/// use each other either.
/// </param>
/// <param name="Namespace">
/// The namespace of the folder when it is not the package's root namespace plus the folder path:
/// the public vocabulary lives in the package's root namespace, so one <c>using</c> is all a user types.
/// </param>
internal sealed record Layer(string Folder, int Rank, string? Namespace = null)
{
    /// <summary>The name used in messages.</summary>
    public string Name => Folder.Length == 0 ? "(package root)" : $"{Folder}/";
}

namespace Orleans.Partisan.ArchitectureTests;

/// <summary>The repository this test assembly was built from: the nearest folder above it holding <c>Orleans.Partisan.sln</c>.</summary>
internal static class RepositoryRoot
{
    /// <summary>The repository's root folder.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Orleans.Partisan.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Orleans.Partisan.sln above {AppContext.BaseDirectory}: the architecture tests read the sources of the repository they were built in.");
    }
}

namespace Orleans.Partisan.DocTests;

/// <summary>
/// Every ```csharp block of README.md, docs/*.md and samples/*/README.md compiles: as a complete file when it has no
/// marker, else in the scaffold its <c>&lt;!-- snippet: NAME --&gt;</c> names (see <see cref="SnippetScaffolds"/>).
/// </summary>
public sealed class DocBlockTests
{
    /// <summary>One row per block: its file and number. A file whose markers or fences are malformed has none here; <see cref="EveryDocument_IsWellFormed"/> fails for it.</summary>
    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in Repository.Documents())
        {
            IReadOnlyList<DocSnippet> snippets;
            try
            {
                snippets = Repository.Snippets(file);
            }
            catch (FormatException)
            {
                continue;
            }

            foreach (var snippet in snippets)
            {
                data.Add(file, snippet.Number);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Block_Compiles(string file, int block)
    {
        var snippet = Repository.Snippets(file).Single(s => s.Number == block);

        var problems = SnippetCompiler.Diagnose(snippet);

        Assert.True(problems.Count == 0, $"{snippet.Where} does not compile{(snippet.Scaffold is null ? " as a complete file" : $" in the scaffold '{snippet.Scaffold}'")}:\n{string.Join("\n", problems)}");
    }

    [Fact]
    public void EveryDocument_IsWellFormed()
    {
        var problems = new List<string>();
        foreach (var file in Repository.Documents())
        {
            try
            {
                foreach (var snippet in Repository.Snippets(file).Where(s => s.Scaffold is not null && !SnippetScaffolds.Descriptions.ContainsKey(s.Scaffold)))
                {
                    problems.Add($"{snippet.Where}: unknown snippet marker '{snippet.Scaffold}'; known: {string.Join(", ", SnippetScaffolds.Descriptions.Keys)}");
                }
            }
            catch (FormatException e)
            {
                problems.Add(e.Message);
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void TheDocumentsRead_AreTheReadmeTheDocsAndTheSamplesAndPackagesReadmes()
    {
        var documents = Repository.Documents();

        Assert.Equal("README.md", documents[0]);
        Assert.Contains("docs/clustering.md", documents);
        Assert.Contains("samples/GettingStarted/README.md", documents);
        Assert.Contains("src/Orleans.Partisan/README.md", documents);
        Assert.True(Blocks().Count() >= 10, $"only {Blocks().Count()} C# blocks found in {string.Join(", ", documents)}");
    }

    [Fact]
    public void ReadmeBlocks_AreCompleteFiles()
    {
        var scaffolded = Repository.Snippets("README.md").Where(s => s.Scaffold is not null).Select(s => s.Where).ToList();

        Assert.True(scaffolded.Count == 0, $"README's blocks are compiled as complete programs or files; these have a snippet marker: {string.Join(", ", scaffolded)}");
    }
}

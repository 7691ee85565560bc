namespace Orleans.Partisan.DocTests;

/// <summary>The checker itself: it rejects what does not compile, names where, and lets no block slip by unchecked.</summary>
public sealed class SnippetCheckerTests
{
    private static DocSnippet Single(string markdown) => Assert.Single(DocSnippet.Extract("test.md", markdown));

    private static void AssertCompiles(DocSnippet snippet)
    {
        var problems = SnippetCompiler.Diagnose(snippet);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void BrokenBlock_IsRejected_NamingFileBlockLineAndDiagnostic()
    {
        var snippet = Single("# Title\n\nText.\n\n```csharp\nusing Orleans.Partisan;\n\nvar hello = new Hello(\"hi\");\n```\n");

        var problem = Assert.Single(SnippetCompiler.Diagnose(snippet));

        Assert.StartsWith("test.md block 1 (line 6): test.md(8,17): error CS0246:", problem, StringComparison.Ordinal);
        Assert.Contains("'Hello'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void CompleteProgram_Compiles()
    {
        var snippet = Single("```csharp\nusing Microsoft.Extensions.Hosting;\nusing Orleans.Hosting;\nusing Orleans.Partisan;\n\nvar builder = Host.CreateApplicationBuilder(args);\nbuilder.UseOrleans(silo => silo.UseLocalhostClustering().AddPartisan());\nawait builder.Build().RunAsync();\n```\n");

        AssertCompiles(snippet);
    }

    [Fact]
    public void Warning_IsRejected()
    {
        // Warnings are errors in this repository: an unused variable, and a possible null dereference.
        var snippet = Single("```csharp\nint unused = 1;\nstring? text = args.Length > 0 ? args[0] : null;\nConsole.WriteLine(text.Length);\n```\n");

        var problems = SnippetCompiler.Diagnose(snippet);

        Assert.Contains(problems, p => p.Contains("warning CS0219", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("warning CS8602", StringComparison.Ordinal));
    }

    [Fact]
    public void Fragment_WithoutMarker_IsCompiledAsACompleteFile_AndFails()
    {
        var fragment = "await partisan.LeaveAsync(ct);\n";

        Assert.NotEmpty(SnippetCompiler.Diagnose(Single($"```csharp\n{fragment}```\n")));
        AssertCompiles(Single($"<!-- snippet: in-method -->\n```csharp\n{fragment}```\n"));
    }

    [Fact]
    public void InMethodFragment_SeesTheDocumentedVariables_AndReportsMarkdownLines()
    {
        var snippet = Single("Intro.\n\n<!-- snippet: in-method -->\n```csharp\nsiloBuilder.AddPartisan();\nvar nodes = partisan.GetNodes();\nnodes.Frobnicate();\n```\n");

        var problem = Assert.Single(SnippetCompiler.Diagnose(snippet));

        Assert.StartsWith("test.md block 1 (line 5): test.md(7,7): error CS1061:", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void InClassFragment_IsTheBodyOfAClass()
    {
        var snippet = Single("<!-- snippet: in-class -->\n```csharp\nprivate readonly IPartisan partisan = null!;\n\npublic bool IsAlone() => partisan.GetNodes().Count == 0;\n```\n");

        AssertCompiles(snippet);
    }

    [Fact]
    public void UnknownMarker_IsRejected_ListingTheScaffolds()
    {
        var snippet = Single("<!-- snippet: in-lambda -->\n```csharp\nvar x = 1;\n```\n");

        var error = Assert.Throws<ArgumentException>(() => SnippetCompiler.Diagnose(snippet));

        Assert.Contains("unknown snippet marker 'in-lambda'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'in-method'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<!-- snippet: in-method -->\n\nSome text.\n\n```csharp\nvar x = 1;\n```\n", "test.md:1: snippet marker 'in-method' is not followed by a ```csharp block")]
    [InlineData("<!-- snippet: in-method -->\n```json\n{}\n```\n", "test.md:1: snippet marker 'in-method' is not followed by a ```csharp block")]
    [InlineData("Text.\n<!-- snippet: in-method -->\n", "test.md:2: snippet marker 'in-method' is not followed by a ```csharp block")]
    [InlineData("<!--snippet in-method-->\n```csharp\nvar x = 1;\n```\n", "test.md:1: malformed snippet marker")]
    [InlineData("```cs\nvar x = 1;\n```\n", "test.md:1: a C# block fenced as 'cs'")]
    [InlineData("```c#\nvar x = 1;\n```\n", "test.md:1: a C# block fenced as 'c#'")]
    [InlineData("```csharp\nvar x = 1;\n", "test.md:1: the block opened here is never closed")]
    public void BlockThatWouldGoUnchecked_IsAnError(string markdown, string expected)
    {
        var error = Assert.Throws<FormatException>(() => DocSnippet.Extract("test.md", markdown));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_FindsEveryCSharpBlock_WithItsMarkerAndFirstCodeLine_AndSkipsOthers()
    {
        var markdown = "# T\n\n```\ndotnet run\n```\n\n```csharp\nA();\n```\n\n<!-- snippet: in-method -->\n\n```csharp\nB();\n```\n\n1. A list item:\n\n   ```csharp\n   C();\n   ```\n";

        var snippets = DocSnippet.Extract("test.md", markdown);

        Assert.Equal(
            [new DocSnippet("test.md", 1, 8, null, "A();\n"), new DocSnippet("test.md", 2, 14, "in-method", "B();\n"), new DocSnippet("test.md", 3, 20, null, "C();\n")],
            snippets);
    }
}

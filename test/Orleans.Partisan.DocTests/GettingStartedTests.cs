namespace Orleans.Partisan.DocTests;

/// <summary>README's first program is samples/GettingStarted/Program.cs, so what the README shows is what is built, run and tested.</summary>
public sealed class GettingStartedTests
{
    [Fact]
    public void ReadmeFirstBlock_IsTheGettingStartedProgram()
    {
        var first = Repository.Snippets("README.md")[0];
        var program = Repository.Read("samples/GettingStarted/Program.cs").Replace("\r\n", "\n", StringComparison.Ordinal);

        Assert.Null(first.Scaffold);
        Assert.True(
            first.Code == program,
            $"{first.Where} differs from samples/GettingStarted/Program.cs: {FirstDifference(first.Code, program)}. Copy one to the other.");
    }

    private static string FirstDifference(string readme, string program)
    {
        var a = readme.Split('\n');
        var b = program.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var left = i < a.Length ? a[i] : "<end>";
            var right = i < b.Length ? b[i] : "<end>";
            if (left != right)
            {
                return $"line {i + 1} of the block is '{left}', of Program.cs '{right}'";
            }
        }

        return "they differ only in line ends";
    }
}

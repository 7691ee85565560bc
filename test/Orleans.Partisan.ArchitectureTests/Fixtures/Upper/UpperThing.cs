namespace Orleans.Partisan.ArchitectureTests.Fixtures.Upper;

/// <summary>A type of the fixture's upper layer.</summary>
internal sealed class UpperThing
{
    public int Value { get; init; }
}

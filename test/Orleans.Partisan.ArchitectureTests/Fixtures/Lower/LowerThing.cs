using Orleans.Partisan.ArchitectureTests.Fixtures.Upper;

namespace Orleans.Partisan.ArchitectureTests.Fixtures.Lower;

/// <summary>A type of the fixture's lower layer that uses its upper layer: what the layer rule must reject.</summary>
internal sealed class LowerThing
{
    public int Read(UpperThing upper) => upper.Value;
}

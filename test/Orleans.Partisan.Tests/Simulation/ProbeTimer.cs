using Orleans.Partisan.Protocols;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary>A timer a test arms on a <see cref="ProbeCore"/>, known by its name.</summary>
internal sealed record ProbeTimer(string Name) : CoreTimer
{
    public override string ToString() => Name;
}

namespace Orleans.Partisan.Runtime;

/// <summary>A witness's answer to a <see cref="WitnessQuestion"/>.</summary>
[GenerateSerializer, Immutable, Alias("partisan.WitnessAnswer")]
internal sealed record WitnessAnswer([property: Id(0)] bool Reachable);

namespace AspireCluster.Grains;

/// <summary>A counter's value and the silo that holds it.</summary>
[GenerateSerializer, Immutable, Alias("AspireCluster.CounterValue")]
public sealed record CounterValue([property: Id(0)] int Count, [property: Id(1)] string Silo);

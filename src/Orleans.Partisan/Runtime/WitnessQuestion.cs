namespace Orleans.Partisan.Runtime;

/// <summary>Whether the receiving node reaches <see cref="Target"/> with a fresh dial; the answer goes to <see cref="ReplyTo"/>.</summary>
[GenerateSerializer, Immutable, Alias("partisan.WitnessQuestion")]
internal sealed record WitnessQuestion([property: Id(0)] NodeSpec Target, [property: Id(1)] TimeSpan Timeout, [property: Id(2)] ProcessRef ReplyTo);

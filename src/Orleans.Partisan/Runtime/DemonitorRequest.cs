namespace Orleans.Partisan.Runtime;

/// <summary>Watcher to target node: forget process monitor <see cref="Monitor"/>.</summary>
/// <param name="Monitor">The monitor's reference.</param>
[GenerateSerializer, Immutable, Alias("partisan.DemonitorRequest")]
internal sealed record DemonitorRequest([property: Id(0)] PartisanRef Monitor);

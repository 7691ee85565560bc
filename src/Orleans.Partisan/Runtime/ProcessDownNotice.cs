namespace Orleans.Partisan.Runtime;

/// <summary>Target node to watcher: the process of monitor <see cref="Monitor"/> is down; the watcher delivers the <c>DOWN</c>.</summary>
/// <param name="Monitor">The monitor's reference.</param>
/// <param name="Reason">Why: <see cref="ProcessDownReason.Normal"/> (exited), <see cref="ProcessDownReason.NoProcess"/> (did not exist), <see cref="ProcessDownReason.NoConnection"/> (the node leaves).</param>
[GenerateSerializer, Immutable, Alias("partisan.ProcessDownNotice")]
internal sealed record ProcessDownNotice([property: Id(0)] PartisanRef Monitor, [property: Id(1)] ProcessDownReason Reason);

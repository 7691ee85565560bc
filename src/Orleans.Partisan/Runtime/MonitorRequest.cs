namespace Orleans.Partisan.Runtime;

/// <summary>
/// Watcher to target node: hold process monitor <see cref="Monitor"/> on <see cref="Target"/> and send its
/// <c>DOWN</c> back (a <see cref="ProcessDownNotice"/>). The watcher is the node that made the reference.
/// </summary>
/// <param name="Monitor">The monitor's reference, made by the watcher node.</param>
/// <param name="Target">A mailbox, named receiver or grain of the receiving node.</param>
[GenerateSerializer, Immutable, Alias("partisan.MonitorRequest")]
internal sealed record MonitorRequest([property: Id(0)] PartisanRef Monitor, [property: Id(1)] PartisanTarget Target);

namespace Orleans.Partisan.Runtime;

/// <summary>A process monitor as its watcher node keeps it, until its one <c>DOWN</c> or its demonitor.</summary>
/// <param name="Monitor">The monitor's reference (made by the watcher node).</param>
/// <param name="Node">The node of the monitored process.</param>
/// <param name="Target">The monitored process.</param>
/// <param name="Subscriber">Who gets the <c>DOWN</c>.</param>
internal sealed record ProcessWatch(PartisanRef Monitor, NodeName Node, PartisanTarget Target, NodeEventSubscriber Subscriber);

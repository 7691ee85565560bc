namespace Orleans.Partisan;

/// <summary>
/// The one <c>DOWN</c> notification of a process monitor (<see cref="IPartisan.Monitor(NodeName, PartisanTarget, NodeEventSubscriber)"/>),
/// Erlang's <c>{'DOWN', MonitorRef, process, Object, Reason}</c>.
/// </summary>
/// <param name="Monitor">The monitor's reference, as <c>Monitor</c> returned it.</param>
/// <param name="Node">The node of the monitored process.</param>
/// <param name="Target">The monitored process: a mailbox (<see cref="ProcessRef"/>), a named receiver or a grain.</param>
/// <param name="Reason">Why it is down.</param>
[GenerateSerializer, Immutable, Alias("partisan.ProcessDown")]
public sealed record ProcessDown(
    [property: Id(0)] PartisanRef Monitor,
    [property: Id(1)] NodeName Node,
    [property: Id(2)] PartisanTarget Target,
    [property: Id(3)] ProcessDownReason Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"DOWN {Monitor} {Target} on {Node} ({Reason})";
}

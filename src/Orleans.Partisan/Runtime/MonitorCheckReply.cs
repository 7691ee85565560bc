namespace Orleans.Partisan.Runtime;

/// <summary>Target node to watcher: <see cref="MonitorCheck"/> <see cref="CheckId"/> was handled.</summary>
/// <param name="CheckId">The check's number.</param>
[GenerateSerializer, Immutable, Alias("partisan.MonitorCheckReply")]
internal sealed record MonitorCheckReply([property: Id(0)] long CheckId);

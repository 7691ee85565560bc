using System.Collections.Immutable;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// Watcher to target node, every check interval under a partial-view peer service: the monitors the watcher
/// holds on the target node. The target node renews the watcher's lease, holds any listed monitor it lacks
/// (its request was lost on the way), drops any monitor of that watcher up to <see cref="Watermark"/> that is
/// not listed (its demonitor was lost), and answers with a <see cref="MonitorCheckReply"/>; no answer within
/// an interval takes the target node for down.
/// </summary>
/// <param name="CheckId">The watcher's number for this check, echoed in the reply.</param>
/// <param name="Monitors">Every monitor the watcher holds on the target node.</param>
/// <param name="Watermark">The largest monitor id listed: monitors of the watcher made after it are not concerned.</param>
[GenerateSerializer, Immutable, Alias("partisan.MonitorCheck")]
internal sealed record MonitorCheck([property: Id(0)] long CheckId, [property: Id(1)] ImmutableArray<MonitorRequest> Monitors, [property: Id(2)] long Watermark);

namespace Orleans.Partisan.Runtime;

/// <summary>What a round of checks found: watches of nodes that did not answer in time, and the checks to send.</summary>
internal sealed record CheckRound(IReadOnlyList<ProcessWatch> Overdue, IReadOnlyList<(NodeName Node, MonitorCheck Check)> Checks);

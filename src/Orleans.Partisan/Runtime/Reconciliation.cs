namespace Orleans.Partisan.Runtime;

/// <summary>What a check changed on the target node: listed monitors it did not hold, and held ones it dropped.</summary>
internal sealed record Reconciliation(IReadOnlyList<MonitorRequest> Missing, IReadOnlyList<PartisanRef> Dropped);

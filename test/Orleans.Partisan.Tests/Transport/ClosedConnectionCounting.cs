namespace Orleans.Partisan.Tests.Transport;

/// <summary>Tests that count closed connections on the process-wide meter run alone, so no other test's closes are counted.</summary>
[CollectionDefinition(nameof(ClosedConnectionCounting), DisableParallelization = true)]
public sealed class ClosedConnectionCounting;

namespace Orleans.Partisan.Clustering.TableService;

/// <summary>How a table request ended, as the clustering health check judges it.</summary>
/// <param name="Operation">The request's operation (<see cref="TableRequest.Operation"/>).</param>
/// <param name="Timestamp">When it ended, a <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>.</param>
/// <param name="Reason">Why it failed; <see langword="null"/> for a success.</param>
internal sealed record TableRequestOutcome(string Operation, long Timestamp, string? Reason);

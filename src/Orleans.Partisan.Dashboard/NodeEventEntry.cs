namespace Orleans.Partisan.Dashboard;

/// <summary>A node event as the page's log shows it.</summary>
/// <param name="Time">When the dashboard received it (UTC).</param>
/// <param name="Kind"><c>nodeup</c> or <c>nodedown</c>.</param>
/// <param name="Node">The node that came up or went down.</param>
/// <param name="Observer">The silo that saw it.</param>
/// <param name="Reason">Why it went down, or <see langword="null"/>.</param>
internal sealed record NodeEventEntry(DateTimeOffset Time, string Kind, string Node, string Observer, string? Reason);

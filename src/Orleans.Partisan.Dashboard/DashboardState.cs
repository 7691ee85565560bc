namespace Orleans.Partisan.Dashboard;

/// <summary>What the page draws: every active silo of the cluster with its overlay, read at <see cref="Time"/>.</summary>
/// <param name="Time">When the state was read (UTC, from the host's <see cref="TimeProvider"/>).</param>
/// <param name="Silos">The active silos, sorted by node name.</param>
/// <param name="Error">Why the list of silos could not be read, or <see langword="null"/>.</param>
internal sealed record DashboardState(DateTimeOffset Time, IReadOnlyList<SiloState> Silos, string? Error);

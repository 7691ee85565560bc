namespace Orleans.Partisan.Dashboard;

/// <summary>
/// Options of the overlay page mapped by <c>MapPartisanDashboard</c>. They are checked when the page is mapped: a wrong
/// value throws there, at start-up, naming the option.
/// </summary>
public sealed class PartisanDashboardOptions
{
    /// <summary>
    /// How often an open page gets a fresh view of every silo (members, views, connections, trees) over its
    /// server-sent-events stream. Node events are pushed as they happen, whatever this is. Default 1 second; at least
    /// 100 milliseconds, at most 1 minute.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many of the latest node events the page is sent when it opens (its log before it was open). Default 200;
    /// between 0 and 10,000.
    /// </summary>
    public int EventHistory { get; set; } = 200;

    /// <summary>
    /// How long reading one silo's state may take before the page shows that silo with an error instead. Default
    /// 5 seconds; more than zero, at most 1 minute.
    /// </summary>
    public TimeSpan SiloTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws <see cref="ArgumentException"/> naming every option out of its range.</summary>
    internal void Validate()
    {
        var errors = new List<string>();
        if (RefreshInterval < TimeSpan.FromMilliseconds(100) || RefreshInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"RefreshInterval must be between 100 ms and 1 minute; it is {RefreshInterval}.");
        }

        if (EventHistory is < 0 or > 10_000)
        {
            errors.Add($"EventHistory must be between 0 and 10,000; it is {EventHistory}.");
        }

        if (SiloTimeout <= TimeSpan.Zero || SiloTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"SiloTimeout must be more than zero and at most 1 minute; it is {SiloTimeout}.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid PartisanDashboardOptions: " + string.Join(" ", errors));
        }
    }
}

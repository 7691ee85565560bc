namespace Orleans.Partisan;

/// <summary>
/// Thresholds of the overlay's health check (<c>services.AddHealthChecks().AddPartisan()</c>), which reports
/// Unhealthy when the node is not running or reaches none of its members, Degraded (with the reason) when it reaches
/// only some of them, when HyParView's active view is short or when a send queue is nearly full, and Healthy
/// otherwise.
/// </summary>
/// <remarks><see cref="Validate"/> lists every problem, one sentence each; the registration throws on any.</remarks>
public sealed class PartisanHealthCheckOptions
{
    /// <summary>
    /// How full one outbound connection's send queue may be, as a fraction of <see cref="PartisanOptions.SendQueueCapacity"/>,
    /// before the overlay is Degraded: senders to that peer are about to wait. Default 0.8; more than 0 and at most 1.
    /// </summary>
    public double QueueDegradedFraction { get; set; } = 0.8;

    /// <summary>
    /// Under HyParView, the active view size below which the overlay is Degraded, or <see langword="null"/> for the
    /// node's own <see cref="HyParViewOptions.MinActiveViewSize"/> (the size below which HyParView promotes passive
    /// nodes, §4.3). A cluster with fewer other members than this is judged against their number. Default
    /// <see langword="null"/>; at least 1 when set.
    /// </summary>
    public int? MinActiveView { get; set; }

    /// <summary>Every problem with these options, one sentence each; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!(QueueDegradedFraction > 0 && QueueDegradedFraction <= 1))
        {
            errors.Add($"QueueDegradedFraction must be more than 0 and at most 1; it is {QueueDegradedFraction}.");
        }

        if (MinActiveView is < 1)
        {
            errors.Add($"MinActiveView must be at least 1 when set; it is {MinActiveView}.");
        }

        return errors;
    }
}

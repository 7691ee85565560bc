namespace Orleans.Partisan;

/// <summary>
/// What the overlay's observable gauges read from one node (<see cref="OverlayGauges"/>). Read from the thread that
/// collects metrics, so every member must be safe to call from any thread and cheap.
/// </summary>
internal interface IOverlayGaugeSource
{
    /// <summary>The node's name, the value of the gauges' <c>node</c> tag.</summary>
    string Node { get; }

    /// <summary>The node's readings now.</summary>
    OverlayGaugeReading Read();
}

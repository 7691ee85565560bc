namespace Orleans.Partisan.Simulation;

/// <summary>One direction of a connection between two nodes of a <see cref="DeliverySimulator"/> that was reset at least once.</summary>
internal sealed class DeliveryLink
{
    /// <summary>Incremented by each reset; a packet of an older epoch is lost on arrival.</summary>
    public int Epoch { get; set; }

    /// <summary>Whether packets pass (false from a reset until the reconnect).</summary>
    public bool Up { get; set; } = true;
}

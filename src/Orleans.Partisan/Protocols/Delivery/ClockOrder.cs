namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>How two vector clocks relate (<see cref="VectorClock.Compare"/>).</summary>
internal enum ClockOrder
{
    /// <summary>Every entry is the same.</summary>
    Equal,

    /// <summary>Every entry is at most the other's and one is less: this clock happened before the other.</summary>
    Before,

    /// <summary>Every entry is at least the other's and one is more: this clock happened after the other.</summary>
    After,

    /// <summary>Each has an entry greater than the other's: neither happened before the other.</summary>
    Concurrent,
}

namespace Orleans.Partisan.Runtime;

/// <summary>Whether and how the drainer of the <see cref="DeliveryLayer"/> sends the acknowledgements due.</summary>
internal enum AckFlush
{
    /// <summary>Not now: another flush is claimed, none is due, or the end of the socket read sends them.</summary>
    None,

    /// <summary>From this thread, at once.</summary>
    Now,

    /// <summary>From the thread pool, so that what arrives meanwhile goes in the same acknowledgement.</summary>
    Queued,
}

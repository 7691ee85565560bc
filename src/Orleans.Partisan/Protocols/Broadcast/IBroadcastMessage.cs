namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// A message of a broadcast core (Plumtree, or the eager flooding it is measured against), sent
/// between neighbours of the overlay.
/// </summary>
/// <remarks>
/// A message that names a handler travels on that handler's channel; one that does not
/// (<see cref="BroadcastPrune"/>) travels on the default channel.
/// </remarks>
internal interface IBroadcastMessage
{
    /// <summary>The broadcast handler the message belongs to, or <see langword="null"/> for a message about the tree alone.</summary>
    string? Handler { get; }
}

namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>A message whose acknowledgement did not come by its deadline.</summary>
/// <param name="Destination">Where it went.</param>
/// <param name="Message">The caller's message.</param>
internal readonly record struct AckExpired<T>(NodeName Destination, T Message);

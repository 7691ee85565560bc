namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>A message to (re)transmit, with the stamp this copy carries.</summary>
/// <param name="Destination">Where it goes.</param>
/// <param name="Message">The caller's message.</param>
/// <param name="Stamp">The stamp to send with it.</param>
internal readonly record struct AckOutgoing<T>(NodeName Destination, T Message, AckStamp Stamp);

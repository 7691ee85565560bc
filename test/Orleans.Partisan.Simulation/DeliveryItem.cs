namespace Orleans.Partisan.Simulation;

/// <summary>A message accepted by a receiver's ack layer, on its way to delivery.</summary>
/// <param name="From">The sender's node number.</param>
/// <param name="Session">The sender's session.</param>
/// <param name="Sequence">Its number in the session.</param>
/// <param name="Message">The message.</param>
internal sealed record DeliveryItem(int From, long Session, long Sequence, DeliverySimMessage Message);

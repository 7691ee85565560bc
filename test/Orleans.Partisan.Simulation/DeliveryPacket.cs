using Orleans.Partisan.Protocols.Delivery;

namespace Orleans.Partisan.Simulation;

/// <summary>What travels between two nodes of a <see cref="DeliverySimulator"/>.</summary>
internal abstract record DeliveryPacket;

/// <summary>A copy of a message with the ack stamp it was sent with.</summary>
internal sealed record DataPacket(AckStamp Stamp, DeliverySimMessage Message) : DeliveryPacket;

/// <summary>An acknowledgement.</summary>
internal sealed record AckPacket(AckReport Report) : DeliveryPacket;

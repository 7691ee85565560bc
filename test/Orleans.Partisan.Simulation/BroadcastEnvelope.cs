using Orleans.Partisan.Protocols.Broadcast;

namespace Orleans.Partisan.Simulation;

/// <summary>A message of the broadcast protocol numbered <paramref name="Protocol"/>, on a simulated link beside the peer service's messages.</summary>
/// <param name="Protocol">The number of the protocol (<see cref="Simulator.AddBroadcast"/>).</param>
/// <param name="Message">The broadcast core's message.</param>
internal sealed record BroadcastEnvelope(int Protocol, IBroadcastMessage Message);

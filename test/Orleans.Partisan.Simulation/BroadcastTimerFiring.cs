using Orleans.Partisan.Protocols;

namespace Orleans.Partisan.Simulation;

/// <summary>The payload of a broadcast timer event: the protocol and the timer's name.</summary>
internal sealed record BroadcastTimerFiring(int Protocol, CoreTimer Timer);

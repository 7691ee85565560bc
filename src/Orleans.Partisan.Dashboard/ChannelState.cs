namespace Orleans.Partisan.Dashboard;

/// <summary>A channel of a silo: its name, how many lanes (parallel connections per peer) it has, and whether it is monotonic.</summary>
internal sealed record ChannelState(string Name, int Lanes, bool Monotonic);

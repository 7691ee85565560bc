namespace Orleans.Partisan.Simulation;

/// <summary>The payload of an exchange event: the incarnations of both nodes when it started.</summary>
internal sealed record ExchangeCall(int NodeIncarnation, int PeerIncarnation);

namespace Orleans.Partisan.Dashboard;

/// <summary>An open overlay connection of a silo.</summary>
internal sealed record ConnectionState(string Peer, string Channel, int Lane, string Direction, int Queued);

namespace Orleans.Partisan.Runtime;

/// <summary>A broadcast handler registered on this silo.</summary>
/// <param name="Name">The name its messages carry (by default the grain interface's full name).</param>
/// <param name="Interface">The handler's grain interface.</param>
/// <param name="Channel">The channel its messages travel on.</param>
internal sealed record BroadcastHandlerRegistration(string Name, Type Interface, string Channel);

namespace Orleans.Partisan.Runtime;

/// <summary>
/// A gateway silo tells the silos it is connected to that an Orleans client attached to it, or detached, so they
/// send to the client through the gateway instead of flooding a relay.
/// </summary>
/// <param name="Client">The client node.</param>
/// <param name="Attached">Whether the client attached (or renewed) or detached.</param>
[GenerateSerializer, Immutable, Alias("partisan.gateway.Route")]
internal sealed record ClientRoute([property: Id(0)] NodeName Client, [property: Id(1)] bool Attached);

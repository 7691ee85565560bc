namespace Orleans.Partisan.Protocols.Static;

/// <summary>
/// The static peer service's only message: the sender is leaving (its silo stops), so the receiver closes its connections to
/// it now instead of taking the close for a failure, and looks for the next node at the sender's endpoint.
/// </summary>
[GenerateSerializer, Immutable, Alias("partisan.static.Leaving")]
internal sealed record StaticLeaving
{
    /// <summary>The one instance.</summary>
    public static readonly StaticLeaving Instance = new();
}

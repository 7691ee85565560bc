namespace Orleans.Partisan;

/// <summary>
/// Places a grain whose string key is a silo address (<c>SiloAddress.ToParsableString()</c>) on
/// that silo, and nowhere else: one activation per silo, reachable from any grain or client.
/// </summary>
[GenerateSerializer, Immutable, Alias("partisan.SiloPinnedPlacement")]
public sealed class SiloPinnedPlacement : PlacementStrategy
{
    internal static readonly SiloPinnedPlacement Instance = new();

    /// <inheritdoc />
    public override bool IsUsingGrainDirectory => true;
}

/// <summary>Marks a grain class to be placed by <see cref="SiloPinnedPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloPinnedPlacementAttribute : Orleans.Placement.PlacementAttribute
{
    /// <summary>Creates the attribute.</summary>
    public SiloPinnedPlacementAttribute() : base(SiloPinnedPlacement.Instance)
    {
    }
}

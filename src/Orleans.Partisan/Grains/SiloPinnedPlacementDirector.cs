using Orleans.Runtime.Placement;

namespace Orleans.Partisan.Grains;

/// <summary>Places a <see cref="SiloPinnedPlacement"/> grain on the silo its key names, if that silo is active.</summary>
/// <remarks>
/// A silo that has just joined is active in the membership before the caller's cluster manifest
/// lists its grain types; it is accepted as soon as the membership says it is active.
/// </remarks>
internal sealed class SiloPinnedPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        SiloAddress silo;
        try
        {
            silo = SiloAddress.FromParsableString(key);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw new PartisanException($"Grain {target.GrainIdentity} is pinned to a silo, so its key must be a silo address (SiloAddress.ToParsableString()), not '{key}'.", exception);
        }

        if (!context.GetCompatibleSilos(target).Contains(silo) && membership.CurrentSnapshot.GetSiloStatus(silo) != SiloStatus.Active)
        {
            throw new SiloUnavailableException($"Grain {target.GrainIdentity} is pinned to silo {silo}, which is not an active silo of this cluster.");
        }

        return Task.FromResult(silo);
    }
}

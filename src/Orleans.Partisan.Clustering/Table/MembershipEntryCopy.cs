namespace Orleans.Partisan.Clustering.Table;

/// <summary>Field-by-field copies of <see cref="MembershipEntry"/>, so that no caller shares an object with the table.</summary>
internal static class MembershipEntryCopy
{
    /// <summary>A copy of <paramref name="entry"/> with its own suspect list (tuples and silo addresses are immutable).</summary>
    public static MembershipEntry Clone(MembershipEntry entry) => new()
    {
        SiloAddress = entry.SiloAddress,
        Status = entry.Status,
        SuspectTimes = entry.SuspectTimes is null ? null : [.. entry.SuspectTimes],
        ProxyPort = entry.ProxyPort,
        HostName = entry.HostName,
        SiloName = entry.SiloName,
        RoleName = entry.RoleName,
        UpdateZone = entry.UpdateZone,
        FaultZone = entry.FaultZone,
        StartTime = entry.StartTime,
        IAmAliveTime = entry.IAmAliveTime,
    };
}

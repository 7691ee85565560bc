using System.Globalization;
using System.Net;

namespace Orleans.Partisan.Clustering.Tests;

/// <summary>Membership rows for tests and their canonical text, compared field by field.</summary>
internal static class Rows
{
    private static int _nextPort = 20000;

    /// <summary>A fixed whole-second UTC instant the tests build times from.</summary>
    public static readonly DateTime T0 = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>A fresh silo address (new endpoint port) with generation <paramref name="generation"/>.</summary>
    public static SiloAddress NewSilo(int generation = 1)
        => SiloAddress.New(IPAddress.Loopback, Interlocked.Increment(ref _nextPort), generation);

    /// <summary>A Joining row with every field set, including a suspect and deployment metadata.</summary>
    public static MembershipEntry Entry(SiloAddress? silo = null, SiloStatus status = SiloStatus.Joining)
    {
        silo ??= NewSilo();
        return new MembershipEntry
        {
            SiloAddress = silo,
            Status = status,
            SuspectTimes = [Tuple.Create(NewSilo(), T0.AddSeconds(-5))],
            ProxyPort = silo.Endpoint.Port + 1,
            HostName = "host-" + silo.Endpoint.Port.ToString(CultureInfo.InvariantCulture),
            SiloName = "silo-" + silo.Endpoint.Port.ToString(CultureInfo.InvariantCulture),
            RoleName = "role",
            UpdateZone = 3,
            FaultZone = 7,
            StartTime = T0,
            IAmAliveTime = T0,
        };
    }

    /// <summary>A copy of <paramref name="e"/> with <paramref name="change"/> applied.</summary>
    public static MembershipEntry With(MembershipEntry e, Action<MembershipEntry> change)
    {
        var copy = new MembershipEntry
        {
            SiloAddress = e.SiloAddress,
            Status = e.Status,
            SuspectTimes = e.SuspectTimes is null ? null : [.. e.SuspectTimes],
            ProxyPort = e.ProxyPort,
            HostName = e.HostName,
            SiloName = e.SiloName,
            RoleName = e.RoleName,
            UpdateZone = e.UpdateZone,
            FaultZone = e.FaultZone,
            StartTime = e.StartTime,
            IAmAliveTime = e.IAmAliveTime,
        };
        change(copy);
        return copy;
    }

    /// <summary>Every persisted field except IAmAliveTime, suspects in a fixed order, as one line.</summary>
    public static string Canonical(MembershipEntry e)
    {
        var suspects = (e.SuspectTimes ?? [])
            .Select(s => $"{s.Item1.ToParsableString()}@{s.Item2.ToUniversalTime():O}")
            .Order(StringComparer.Ordinal);
        return string.Join(
            "|",
            e.SiloAddress.ToParsableString(),
            e.Status,
            string.Join(",", suspects),
            e.ProxyPort,
            e.HostName,
            e.SiloName,
            string.IsNullOrEmpty(e.RoleName) ? string.Empty : e.RoleName,
            e.UpdateZone,
            e.FaultZone,
            e.StartTime.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
    }

    /// <summary>Canonical rows plus IAmAliveTime and row ETags, and the table version and ETag.</summary>
    public static string Full(MembershipTableData data)
        => $"{data.Version.Version}/{data.Version.VersionEtag}: " + string.Join(
            " ; ",
            data.Members
                .Select(m => $"{Canonical(m.Item1)}|alive={m.Item1.IAmAliveTime.ToUniversalTime():O}|etag={m.Item2}")
                .Order(StringComparer.Ordinal));

    /// <summary>The canonical rows only (no liveness, no ETags), sorted.</summary>
    public static string CanonicalView(MembershipTableData data)
        => string.Join(" ; ", data.Members.Select(m => Canonical(m.Item1)).Order(StringComparer.Ordinal));

    /// <summary>The row of <paramref name="silo"/> in <paramref name="data"/>; fails naming the silo when absent.</summary>
    public static Tuple<MembershipEntry, string> Row(MembershipTableData data, SiloAddress silo)
        => data.TryGet(silo) ?? throw new Xunit.Sdk.XunitException($"expected a row for {silo} in {data}");
}

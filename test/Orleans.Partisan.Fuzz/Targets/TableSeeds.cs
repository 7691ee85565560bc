using Orleans.Partisan.Clustering.TableService;

namespace Orleans.Partisan.Fuzz.Targets;

/// <summary>What the two table-service targets share.</summary>
internal static class TableSeeds
{
    public static MembershipEntry Entry(SiloAddress silo) => new()
    {
        SiloAddress = silo,
        Status = SiloStatus.Active,
        SuspectTimes = [Tuple.Create(silo, DateTime.UnixEpoch)],
        ProxyPort = 30000,
        HostName = "host",
        SiloName = "silo",
        RoleName = "role",
        StartTime = DateTime.UnixEpoch,
        IAmAliveTime = DateTime.UnixEpoch,
    };

    /// <summary>Reads every frame of <paramref name="input"/> as a stream and decodes each as a <typeparamref name="T"/>.</summary>
    public static void ReadAll<T>(byte[] input, int maxLength, Action<T> use)
        where T : class
    {
        using var stream = new MemoryStream(input, writable: false);
        while (Clustering.TableService.Frames.ReadAsync(stream, maxLength, CancellationToken.None).AsTask().GetAwaiter().GetResult() is { } frame)
        {
            use(FrameDecoder.Decode<T>(FuzzServices.Serializer, frame));
        }
    }
}

namespace Orleans.Partisan;

/// <summary>Reaches the overlay grains of a given silo from any grain or client.</summary>
public static class PartisanGrainFactoryExtensions
{
    /// <summary>The peer-service-manager grain of <paramref name="silo"/>.</summary>
    public static IPeerServiceManagerGrain GetPeerServiceManager(this IGrainFactory grainFactory, SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        ArgumentNullException.ThrowIfNull(silo);
        return grainFactory.GetGrain<IPeerServiceManagerGrain>(silo.ToParsableString());
    }

    /// <summary>The node-monitor grain of <paramref name="silo"/>.</summary>
    public static INodeMonitorGrain GetNodeMonitor(this IGrainFactory grainFactory, SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        ArgumentNullException.ThrowIfNull(silo);
        return grainFactory.GetGrain<INodeMonitorGrain>(silo.ToParsableString());
    }

    /// <summary>The overlay node name of <paramref name="silo"/>.</summary>
    public static NodeName GetNodeName(this SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return new NodeName(silo.ToParsableString());
    }
}

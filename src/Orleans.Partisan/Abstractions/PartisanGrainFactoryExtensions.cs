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

    /// <summary>The broadcaster grain of <paramref name="silo"/>: broadcast through that silo, read its tree.</summary>
    public static IPartisanBroadcaster GetBroadcaster(this IGrainFactory grainFactory, SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        ArgumentNullException.ThrowIfNull(silo);
        return grainFactory.GetGrain<IPartisanBroadcaster>(silo.ToParsableString());
    }

    /// <summary>
    /// Broadcasts <paramref name="message"/> with <typeparamref name="THandler"/> through the silo
    /// <paramref name="via"/> (for Orleans clients; code on a silo uses <see cref="IPartisan.BroadcastAsync{THandler}"/>).
    /// The handler's name is its registered default, the grain interface's full name.
    /// </summary>
    public static Task<bool> BroadcastAsync<THandler>(this IGrainFactory grainFactory, SiloAddress via, object message)
        where THandler : IPartisanBroadcastHandler
        => grainFactory.GetBroadcaster(via).Broadcast(BroadcastHandlerOptions.DefaultName(typeof(THandler)), message);

    /// <summary>The broadcast handler <typeparamref name="THandler"/> of <paramref name="silo"/>.</summary>
    public static THandler GetBroadcastHandler<THandler>(this IGrainFactory grainFactory, SiloAddress silo)
        where THandler : IPartisanBroadcastHandler
    {
        ArgumentNullException.ThrowIfNull(silo);
        return grainFactory.GetBroadcastHandler<THandler>(silo.GetNodeName());
    }

    /// <summary>The broadcast handler <typeparamref name="THandler"/> of the silo whose overlay node is <paramref name="node"/> (for <see cref="IPartisanBroadcastHandler.Exchange"/>).</summary>
    public static THandler GetBroadcastHandler<THandler>(this IGrainFactory grainFactory, NodeName node)
        where THandler : IPartisanBroadcastHandler
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        return grainFactory.GetGrain<THandler>(node.Value);
    }

    /// <summary>The overlay node name of <paramref name="silo"/>.</summary>
    public static NodeName GetNodeName(this SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return new NodeName(silo.ToParsableString());
    }
}

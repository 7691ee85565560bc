namespace Orleans.Partisan;

/// <summary>
/// Node and process monitors of one silo for grains and clients: subscribe an <see cref="INodeEventObserver"/>
/// (a grain, or a client object from <c>CreateObjectReference</c>) to the nodeup and nodedown events
/// that silo sees, or monitor a process from that silo for an <see cref="IProcessDownObserver"/>. One activation per silo (see <see cref="PartisanGrainFactoryExtensions.GetNodeMonitor"/>);
/// subscriptions live in the silo's overlay node, not in the activation.
/// </summary>
public interface INodeMonitorGrain : IGrainWithStringKey
{
    /// <summary>As <see cref="IPartisan.MonitorNodes"/> on that silo.</summary>
    Task MonitorNodes(bool enable, INodeEventObserver observer, MonitorNodesOptions? options);

    /// <summary>
    /// As <see cref="MonitorNodes"/> with <c>enable</c> true, for as long as the caller renews: <paramref name="observer"/> is
    /// subscribed (or its subscription renewed) until <paramref name="lease"/> from now, and dropped by the silo, logged and
    /// counted (<c>partisan.node_observers.expired</c>) when the lease runs out. A client subscribes this way so that its
    /// observer does not outlive it; <see cref="NodeEventSubscription"/> renews and moves to another silo for it.
    /// <see cref="MonitorNodes"/> with <c>enable</c> false ends it at once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lease"/> is not more than zero, or more than a day.</exception>
    Task MonitorNodesWithLease(INodeEventObserver observer, MonitorNodesOptions? options, TimeSpan lease);

    /// <summary>As <see cref="IPartisan.MonitorNode"/> on that silo.</summary>
    Task<bool> MonitorNode(NodeName node, bool enable, INodeEventObserver observer);

    /// <summary>
    /// As <see cref="IPartisan.Monitor(NodeName, PartisanTarget, NodeEventSubscriber)"/> on that silo: <paramref name="observer"/>
    /// gets one <see cref="ProcessDown"/>. The monitor lives in the silo's overlay node: <c>NoConnection</c> means that
    /// silo lost sight of the process, and the monitor ends if that silo stops.
    /// </summary>
    Task<PartisanRef> Monitor(NodeName node, PartisanTarget target, IProcessDownObserver observer);

    /// <summary>As <see cref="IPartisan.Demonitor"/> on that silo.</summary>
    Task<bool> Demonitor(PartisanRef monitor, bool flush);
}

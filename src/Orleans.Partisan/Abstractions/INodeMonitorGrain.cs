namespace Orleans.Partisan;

/// <summary>
/// Node monitors of one silo for grains and clients: subscribe an <see cref="INodeEventObserver"/>
/// (a grain, or a client object from <c>CreateObjectReference</c>) to the nodeup and nodedown events
/// that silo sees. One activation per silo (see <see cref="PartisanGrainFactoryExtensions.GetNodeMonitor"/>);
/// subscriptions live in the silo's overlay node, not in the activation.
/// </summary>
public interface INodeMonitorGrain : IGrainWithStringKey
{
    /// <summary>As <see cref="IPartisan.MonitorNodes"/> on that silo.</summary>
    Task MonitorNodes(bool enable, INodeEventObserver observer, MonitorNodesOptions? options);

    /// <summary>As <see cref="IPartisan.MonitorNode"/> on that silo.</summary>
    Task<bool> MonitorNode(NodeName node, bool enable, INodeEventObserver observer);
}

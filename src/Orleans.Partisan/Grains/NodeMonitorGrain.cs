using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Grains;

/// <summary>Serves <see cref="INodeMonitorGrain"/> from the silo's overlay node.</summary>
[SiloPinnedPlacement]
internal sealed class NodeMonitorGrain(PartisanNode partisan) : Grain, INodeMonitorGrain
{
    public Task MonitorNodes(bool enable, INodeEventObserver observer, MonitorNodesOptions? options)
    {
        if (!enable)
        {
            partisan.ObserverLeases.Cancel(observer);
        }

        partisan.MonitorNodes(enable, NodeEventSubscriber.Observer(observer), options);
        return Task.CompletedTask;
    }

    public Task MonitorNodesWithLease(INodeEventObserver observer, MonitorNodesOptions? options, TimeSpan lease)
    {
        partisan.ObserverLeases.Renew(observer, options, lease);
        return Task.CompletedTask;
    }

    public Task<bool> MonitorNode(NodeName node, bool enable, INodeEventObserver observer)
        => Task.FromResult(partisan.MonitorNode(node, enable, NodeEventSubscriber.Observer(observer)));

    public Task<PartisanRef> Monitor(NodeName node, PartisanTarget target, IProcessDownObserver observer)
        => Task.FromResult(partisan.Monitor(node, target, NodeEventSubscriber.Observer(observer)));

    public Task<bool> Demonitor(PartisanRef monitor, bool flush) => Task.FromResult(partisan.Demonitor(monitor, flush));
}

namespace Orleans.Partisan.Grains;

/// <summary>Serves <see cref="INodeMonitorGrain"/> from the silo's overlay node.</summary>
[SiloPinnedPlacement]
internal sealed class NodeMonitorGrain(IPartisan partisan) : Grain, INodeMonitorGrain
{
    public Task MonitorNodes(bool enable, INodeEventObserver observer, MonitorNodesOptions? options)
    {
        partisan.MonitorNodes(enable, NodeEventSubscriber.Observer(observer), options);
        return Task.CompletedTask;
    }

    public Task<bool> MonitorNode(NodeName node, bool enable, INodeEventObserver observer)
        => Task.FromResult(partisan.MonitorNode(node, enable, NodeEventSubscriber.Observer(observer)));
}

namespace Orleans.Partisan;

/// <summary>
/// Receives the <c>DOWN</c> of process monitors: implement it on a grain, or on a client object passed
/// through <c>IGrainFactory.CreateObjectReference</c>, and monitor with the node-monitor grain
/// (<see cref="INodeMonitorGrain.Monitor"/>) or with <see cref="NodeEventSubscriber.Observer(IProcessDownObserver)"/>.
/// </summary>
public interface IProcessDownObserver : IGrainObserver
{
    /// <summary>A monitored process is down.</summary>
    [Orleans.Concurrency.OneWay]
    Task OnProcessDown(ProcessDown down);
}

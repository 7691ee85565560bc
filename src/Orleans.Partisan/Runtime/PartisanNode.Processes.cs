namespace Orleans.Partisan.Runtime;

/// <summary>Process monitors and liveness (see <see cref="ProcessMonitors"/>), and sends addressed by a <see cref="ProcessRef"/> alone.</summary>
internal sealed partial class PartisanNode
{
    private readonly ProcessMonitors _processes;

    /// <summary>This node's process monitors (tests read what it holds).</summary>
    internal ProcessMonitors Processes => _processes;

    public bool IsAlive => _driver is { HasLeft: false } && Volatile.Read(ref _disposed) == 0;

    public bool IsLocal(ProcessRef process)
    {
        ArgumentNullException.ThrowIfNull(process);
        return process.Node == Name;
    }

    public PartisanRef Monitor(ProcessRef process, NodeEventSubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(process);
        return _processes.Monitor(process.Node, process, subscriber);
    }

    public PartisanRef Monitor(NodeName node, PartisanTarget target, NodeEventSubscriber subscriber) => _processes.Monitor(node, target, subscriber);

    public bool Demonitor(PartisanRef monitor, bool flush = false) => _processes.Demonitor(monitor, flush);

    public bool IsProcessAlive(ProcessRef process) => _processes.IsProcessAlive(process);

    public Task<bool> IsProcessAliveAsync(ProcessRef process, TimeSpan timeout, CancellationToken cancellationToken = default)
        => _processes.IsProcessAliveAsync(process, timeout, cancellationToken);

    public ValueTask ForwardMessageAsync(ProcessRef process, object message, ForwardOptions options = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(process);
        return ForwardMessageAsync(process.Node, process, message, options, cancellationToken);
    }

    public ValueTask CastMessageAsync(ProcessRef process, object message, ForwardOptions options = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(process);
        return CastMessageAsync(process.Node, process, message, options, cancellationToken);
    }
}

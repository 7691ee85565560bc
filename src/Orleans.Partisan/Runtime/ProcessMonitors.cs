using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// Process monitors (Erlang's <c>monitor(process, ...)</c>) and process liveness. A monitor is kept by its
/// watcher node (which delivers the one <c>DOWN</c>) and held by the node of the monitored process (which sees
/// the process exit); the two talk with control messages on the reserved receiver <see cref="ReceiverName"/>.
/// A local monitor is both at once.
/// </summary>
/// <remarks>
/// <para>Full mesh: a node is down when its connection is (<c>nodedown</c>). The watcher turns the target node's
/// <c>nodedown</c> into <see cref="ProcessDownReason.NoConnection"/> for every monitor on it, and answers a monitor of
/// a node it is not connected to with <see cref="ProcessDownReason.NoConnection"/> at once; the target node drops
/// the monitors of a watcher whose node went down.</para>
/// <para>Partial views (HyParView): connections come and go with the active view, so they say nothing of a node's
/// life. Control messages travel transitively, and liveness is checked instead: every check interval the watcher
/// sends each target node the list of its monitors there (<see cref="MonitorCheck"/>), and a target node that does
/// not answer within an interval is taken as down; a target node drops the monitors of a watcher it has not heard
/// from for three intervals. The check also repairs what a lost relay broke (a lost request or demonitor).</para>
/// <para>Both: a node removed from the overlay (<see cref="PartisanNode.LeaveAsync(NodeName, CancellationToken)"/>,
/// which is what Orleans declaring a silo dead does) is down at once; a node that leaves gracefully reports
/// <see cref="ProcessDownReason.NoConnection"/> to its watchers first.</para>
/// </remarks>
internal sealed partial class ProcessMonitors : IAsyncDisposable
{
    /// <summary>The receiver every node takes process-monitor control messages on; reserved.</summary>
    public const string ReceiverName = "partisan.monitor";

    /// <summary>A target node drops the monitors of a watcher not heard from for this many check intervals.</summary>
    private const int LeaseIntervals = 3;

    private static readonly PartisanTarget Receiver = PartisanTarget.Named(ReceiverName);

    private readonly object _lock = new();
    private readonly PartisanNode _node;
    private readonly LocalDispatcher _dispatcher;
    private readonly ProcessMonitorTable _table;
    private readonly ProcessDownDelivery _delivery;
    private readonly bool _partialViews;
    private readonly ForwardOptions _options;
    private readonly TimeSpan _checkInterval;
    private readonly TimeProvider _time;
    private readonly long _epoch;
    private readonly ILogger _logger;
    private readonly IDisposable _registration;
    private readonly ConcurrentDictionary<long, (NodeName Node, TaskCompletionSource<bool> Answer)> _questions = new();
    private long _nextQuestion;
    private long _checksAnswered;
    private ITimer? _timer;
    private volatile bool _disposed;

    public ProcessMonitors(PartisanNode node, LocalDispatcher dispatcher, bool partialViews, TimeSpan checkInterval, TimeProvider time, ILogger logger)
    {
        _node = node;
        _dispatcher = dispatcher;
        _partialViews = partialViews;
        _checkInterval = checkInterval;
        _time = time;
        _epoch = time.GetTimestamp();
        _logger = logger;
        _table = new ProcessMonitorTable(node.Name);
        _delivery = new ProcessDownDelivery(node.Name, dispatcher, logger);
        _options = new ForwardOptions { PartitionKey = 0, Transitive = partialViews }; // one lane: control messages between two nodes stay in order
        _registration = dispatcher.Register(ReceiverName, OnControl);
        dispatcher.TargetExited = OnTargetExited;
    }

    private NodeName Self => _node.Name;

    private TimeSpan Now => _time.GetElapsedTime(_epoch);

    /// <summary>Starts checking target nodes (partial views only).</summary>
    public void Start()
    {
        if (_partialViews)
        {
            _timer = _time.CreateTimer(_ => Tick(), null, _checkInterval, _checkInterval);
        }
    }

    /// <summary>Monitors <paramref name="target"/> on <paramref name="node"/> for <paramref name="subscriber"/>; see <see cref="IPartisan.Monitor(NodeName, PartisanTarget, NodeEventSubscriber)"/>.</summary>
    public PartisanRef Monitor(NodeName node, PartisanTarget target, NodeEventSubscriber subscriber)
    {
        Validate(node, target, subscriber);
        PartisanRef monitor;
        var reachable = true;
        lock (_lock)
        {
            // Made under the lock, so monitors enter the table in the order of their ids (a check's watermark relies on it).
            monitor = _node.MakeRef();
            if (node == Self)
            {
                _table.Watch(new ProcessWatch(monitor, node, target, subscriber));
                _table.Hold(monitor, target, Now);
            }
            else if (_partialViews || _node.IsConnected(node))
            {
                _table.Watch(new ProcessWatch(monitor, node, target, subscriber));
            }
            else
            {
                reachable = false;
            }
        }

        if (node == Self)
        {
            // Held before the check: an exit in between is seen by one or the other, and the DOWN is sent once.
            if (!_dispatcher.Exists(target) && Release(monitor))
            {
                Fire(monitor, ProcessDownReason.NoProcess);
            }
        }
        else if (!reachable)
        {
            _delivery.Deliver(new ProcessDown(monitor, node, target, ProcessDownReason.NoConnection), subscriber);
        }
        else
        {
            Send(node, new MonitorRequest(monitor, target), failing: monitor);
            if (!_partialViews && !_node.IsConnected(node))
            {
                Fire(monitor, ProcessDownReason.NoConnection); // the nodedown may have come before the watch was kept
            }
        }

        return monitor;
    }

    /// <summary>Switches <paramref name="monitor"/> off; with <paramref name="flush"/>, also withdraws its <c>DOWN</c> if it is queued or unread.</summary>
    /// <returns>Whether the monitor was on (it had not fired).</returns>
    public bool Demonitor(PartisanRef monitor, bool flush)
    {
        ProcessWatch? watch;
        lock (_lock)
        {
            if (_table.TryUnwatch(monitor, out watch) && watch.Node == Self)
            {
                _table.Release(monitor);
            }
        }

        if (watch is not null && watch.Node != Self)
        {
            Send(watch.Node, new DemonitorRequest(monitor), failing: null);
        }

        if (flush)
        {
            _delivery.Flush(monitor);
        }

        return watch is not null;
    }

    /// <summary>How many checks of target nodes were answered in time (partial views).</summary>
    public long ChecksAnswered
    {
        get
        {
            lock (_lock)
            {
                return _checksAnswered;
            }
        }
    }

    /// <summary>The number of monitors this node holds for <paramref name="watcher"/>'s node.</summary>
    public int HeldFor(NodeName watcher)
    {
        lock (_lock)
        {
            return _table.HeldFor(watcher);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true; // a crash as far as the other nodes can tell: nothing more is sent
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        _registration.Dispose();
        foreach (var question in _questions.Values)
        {
            question.Answer.TrySetResult(false);
        }

        await _delivery.DisposeAsync().ConfigureAwait(false);
    }

    private void Validate(NodeName node, PartisanTarget target, NodeEventSubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(subscriber);
        if (node.IsEmpty)
        {
            throw new ArgumentException("The node is not set.", nameof(node));
        }

        if (target is not (ProcessRef or NamedTarget or GrainTarget))
        {
            throw new ArgumentException($"A process monitor watches a mailbox, a named receiver or a grain; {target} is none of them.", nameof(target));
        }

        if (target is ProcessRef process && process.Node != node)
        {
            throw new ArgumentException($"The mailbox {process} belongs to node {process.Node}, not {node}.", nameof(target));
        }

        if (!subscriber.ReceivesProcessDown)
        {
            throw new ArgumentException($"The {subscriber} receives node events, not the DOWN of a process monitor: use NodeEventSubscriber.ProcessDownCallback, Mailbox or Observer(IProcessDownObserver).", nameof(subscriber));
        }

        if (subscriber is MailboxSubscriber mailbox && mailbox.MailboxRef.Node != Self)
        {
            throw new ArgumentException($"The subscriber's mailbox {mailbox.MailboxRef} is not a mailbox of this node {Self}.", nameof(subscriber));
        }
    }

    /// <summary>Ends the watch of <paramref name="monitor"/> with its <c>DOWN</c>; only when its process is on <paramref name="from"/>, if given.</summary>
    private void Fire(PartisanRef monitor, ProcessDownReason reason, NodeName? from = null)
    {
        ProcessWatch? watch;
        lock (_lock)
        {
            if (_table.FindWatch(monitor) is not { } kept || (from is { } node && kept.Node != node) || !_table.TryUnwatch(monitor, out watch))
            {
                return;
            }
        }

        _delivery.Deliver(new ProcessDown(monitor, watch.Node, watch.Target, reason), watch.Subscriber);
    }

    private void FireAll(IReadOnlyList<ProcessWatch> watches, ProcessDownReason reason)
    {
        foreach (var watch in watches)
        {
            _delivery.Deliver(new ProcessDown(watch.Monitor, watch.Node, watch.Target, reason), watch.Subscriber);
        }
    }

    private bool Release(PartisanRef monitor)
    {
        lock (_lock)
        {
            return _table.Release(monitor);
        }
    }

    /// <summary>A mailbox was disposed or a receiver unregistered: the <c>DOWN</c> of its monitors, and the end of the monitors a gone mailbox watched with.</summary>
    private void OnTargetExited(PartisanTarget target)
    {
        IReadOnlyList<PartisanRef> held;
        IReadOnlyList<ProcessWatch> orphaned = [];
        lock (_lock)
        {
            held = _table.ReleaseTarget(target);
            if (target is ProcessRef mailbox)
            {
                orphaned = _table.WatchesFor(mailbox);
            }
        }

        foreach (var monitor in held)
        {
            Notify(monitor, ProcessDownReason.Normal);
        }

        // As an Erlang process's monitors end with it: nobody is left to get their DOWN.
        foreach (var watch in orphaned)
        {
            Demonitor(watch.Monitor, flush: false);
        }
    }

    /// <summary>Sends the <c>DOWN</c> of a monitor this node held to its watcher (delivered here if it is a local monitor).</summary>
    private void Notify(PartisanRef monitor, ProcessDownReason reason)
    {
        if (monitor.Node == Self)
        {
            Fire(monitor, reason);
        }
        else
        {
            Send(monitor.Node, new ProcessDownNotice(monitor, reason), failing: null);
        }
    }

    /// <summary>Sends a control message; false if it could not be sent. A failed send of a monitor's request ends the monitor with <see cref="ProcessDownReason.NoConnection"/>.</summary>
    private bool Send(NodeName node, object message, PartisanRef? failing)
    {
        if (_disposed)
        {
            return false;
        }

        try
        {
            var pending = _node.ForwardMessageAsync(node, Receiver, message, _options);
            if (!pending.IsCompletedSuccessfully)
            {
                _ = ObserveAsync(node, message, pending, failing);
            }

            return true;
        }
        catch (Exception exception) when (exception is PartisanException or InvalidOperationException or ObjectDisposedException)
        {
            SendFailed(node, message, exception, failing);
            return false;
        }
    }

    private async Task ObserveAsync(NodeName node, object message, ValueTask pending, PartisanRef? failing)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            SendFailed(node, message, exception, failing);
        }
    }

    private void SendFailed(NodeName node, object message, Exception exception, PartisanRef? failing)
    {
        ProcessMonitorLog.SendFailed(_logger, message.GetType().Name, node, exception.Message);
        if (failing is { } monitor)
        {
            Fire(monitor, ProcessDownReason.NoConnection);
        }
    }
}

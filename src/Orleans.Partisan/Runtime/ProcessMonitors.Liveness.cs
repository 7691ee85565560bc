namespace Orleans.Partisan.Runtime;

/// <summary>How process monitors learn that a node is gone: node events, removals, a graceful leave, and checks.</summary>
internal sealed partial class ProcessMonitors
{
    /// <summary>
    /// <c>nodedown</c> of <paramref name="node"/> (its last connection closed). Full mesh: the node is gone. Partial
    /// views: it may only have left the active view, so it is checked at once instead.
    /// </summary>
    public void OnNodeDown(NodeName node)
    {
        if (!_partialViews)
        {
            NodeRemoved(node);
            return;
        }

        MonitorCheck? check;
        lock (_lock)
        {
            check = _table.CheckNow(node, Now);
        }

        if (check is not null)
        {
            Send(node, check, failing: null);
        }
    }

    /// <summary>
    /// <paramref name="node"/> is gone: its monitored processes report <see cref="ProcessDownReason.NoConnection"/>,
    /// the monitors held here for it are dropped, and questions to it are answered false.
    /// </summary>
    public void NodeRemoved(NodeName node)
    {
        if (node == Self)
        {
            return;
        }

        IReadOnlyList<ProcessWatch> watches;
        IReadOnlyList<PartisanRef> released;
        lock (_lock)
        {
            watches = _table.UnwatchNode(node);
            released = _table.ReleaseWatcher(node);
        }

        FireAll(watches, ProcessDownReason.NoConnection);
        Dropped(released.Count, node, "watcher-down");
        foreach (var question in _questions.Values.Where(q => q.Node == node))
        {
            question.Answer.TrySetResult(false);
        }
    }

    /// <summary>
    /// This node leaves gracefully: its watchers are told <see cref="ProcessDownReason.NoConnection"/> while the
    /// connections are still up, and its own monitors of other nodes' processes report it.
    /// </summary>
    public void Leaving()
    {
        IReadOnlyList<ProcessWatch> watches;
        IReadOnlyList<PartisanRef> released;
        lock (_lock)
        {
            watches = _table.UnwatchRemote();
            released = _table.ReleaseRemote();
        }

        foreach (var monitor in released)
        {
            Send(monitor.Node, new ProcessDownNotice(monitor, ProcessDownReason.NoConnection), failing: null);
        }

        FireAll(watches, ProcessDownReason.NoConnection);
    }

    /// <summary>The check timer (partial views): overdue nodes are down, the others are checked, expired leases end.</summary>
    private void Tick()
    {
        try
        {
            CheckRound round;
            IReadOnlyList<(NodeName Watcher, IReadOnlyList<PartisanRef> Released)> expired;
            lock (_lock)
            {
                var now = Now;

                // A check sent at the last tick is overdue now; one sent on a nodedown since gets at least half an interval.
                round = _table.Check(now, _checkInterval / 2);
                expired = _table.ExpireLeases(now, _checkInterval * LeaseIntervals);
            }

            foreach (var node in round.Overdue.GroupBy(w => w.Node))
            {
                ProcessMonitorLog.CheckOverdue(_logger, node.Key, _checkInterval, node.Count());
                foreach (var question in _questions.Values.Where(q => q.Node == node.Key))
                {
                    question.Answer.TrySetResult(false);
                }
            }

            FireAll(round.Overdue, ProcessDownReason.NoConnection);
            foreach (var (node, check) in round.Checks)
            {
                Send(node, check, failing: null);
            }

            foreach (var (watcher, released) in expired)
            {
                Dropped(released.Count, watcher, "lease-expired");
            }
        }
        catch (Exception exception)
        {
            RuntimeLog.PeerServiceFailed(_logger, exception, nameof(ProcessMonitors) + "." + nameof(Tick));
        }
    }
}

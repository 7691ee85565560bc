namespace Orleans.Partisan.Runtime;

/// <summary>The control messages between watcher and target nodes, taken on <see cref="ReceiverName"/>.</summary>
internal sealed partial class ProcessMonitors
{
    /// <summary>Runs on the connection's thread: quick, never blocks, never throws.</summary>
    private void OnControl(ReceivedMessage received)
    {
        var from = received.From;
        switch (received.Message)
        {
            case MonitorRequest request:
                OnMonitorRequest(from, request);
                break;
            case DemonitorRequest demonitor when demonitor.Monitor.Node == from:
                Release(demonitor.Monitor);
                break;
            case ProcessDownNotice notice when notice.Monitor.Node == Self:
                Fire(notice.Monitor, notice.Reason, from);
                break;
            case MonitorCheck check:
                OnCheck(from, check);
                break;
            case MonitorCheckReply reply:
                lock (_lock)
                {
                    if (_table.Answered(from, reply.CheckId))
                    {
                        _checksAnswered++;
                    }
                }

                break;
            case ProcessAliveQuestion question:
                Send(from, new ProcessAliveAnswer(question.QuestionId, question.Process.Node == Self && _dispatcher.Exists(question.Process)), failing: null);
                break;
            case ProcessAliveAnswer answer:
                if (_questions.TryGetValue(answer.QuestionId, out var asked) && asked.Node == from)
                {
                    asked.Answer.TrySetResult(answer.Alive);
                }

                break;
            default:
                ProcessMonitorLog.Rejected(_logger, received.Message.GetType().Name, from, "not a process-monitor message, or about another node's monitor");
                break;
        }
    }

    /// <summary>Holds a monitor for a watcher node; answers <see cref="ProcessDownReason.NoProcess"/> if its target is not here.</summary>
    private void OnMonitorRequest(NodeName watcher, MonitorRequest request)
    {
        if (request.Monitor.Node != watcher)
        {
            ProcessMonitorLog.Rejected(_logger, nameof(MonitorRequest), watcher, $"the monitor {request.Monitor} was made by another node");
            return;
        }

        if (request.Target is not (ProcessRef or NamedTarget or GrainTarget) || request.Target is ProcessRef process && process.Node != Self)
        {
            Send(watcher, new ProcessDownNotice(request.Monitor, ProcessDownReason.NoProcess), failing: null);
            return;
        }

        lock (_lock)
        {
            _table.Hold(request.Monitor, request.Target, Now);
        }

        if (!_dispatcher.Exists(request.Target))
        {
            if (Release(request.Monitor))
            {
                Send(watcher, new ProcessDownNotice(request.Monitor, ProcessDownReason.NoProcess), failing: null);
            }
        }
        else if (!_partialViews && !_node.IsConnected(watcher) && Release(request.Monitor))
        {
            // The watcher's node went down meanwhile: it reports NoConnection itself.
            Dropped(1, watcher, "watcher-down");
        }
    }

    /// <summary>A watcher's check (partial views): renew, repair, answer.</summary>
    private void OnCheck(NodeName watcher, MonitorCheck check)
    {
        Reconciliation reconciled;
        lock (_lock)
        {
            reconciled = _table.Reconcile(watcher, check, Now);
        }

        Dropped(reconciled.Dropped.Count, watcher, "not-listed");
        foreach (var missing in reconciled.Missing)
        {
            OnMonitorRequest(watcher, missing);
        }

        Send(watcher, new MonitorCheckReply(check.CheckId), failing: null);
    }

    private void Dropped(int count, NodeName watcher, string reason)
    {
        if (count > 0)
        {
            ProcessMonitorLog.Dropped(_logger, count, watcher, reason);
            PartisanMetrics.MonitorsDropped.Add(count, new System.Diagnostics.TagList { { "reason", reason } });
        }
    }
}

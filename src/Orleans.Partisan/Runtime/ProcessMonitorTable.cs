using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// The process monitors of one node, on both sides: the <em>watches</em> it keeps as watcher (each ends in one
/// <c>DOWN</c> to its subscriber, or a demonitor) and the monitors it <em>holds</em> as the node of monitored
/// processes, by target and by watcher node (this node included, for local monitors). Under a partial-view peer
/// service it also keeps the watcher's pending checks of target nodes and the target's leases of watcher nodes.
/// </summary>
/// <remarks>Plain state: no I/O, no clock (time comes as an argument), not thread-safe (its owner locks).</remarks>
internal sealed class ProcessMonitorTable(NodeName self)
{
    private readonly Dictionary<PartisanRef, ProcessWatch> _watches = [];
    private readonly Dictionary<NodeName, HashSet<PartisanRef>> _watchesByNode = [];
    private readonly Dictionary<ProcessRef, HashSet<PartisanRef>> _watchesByMailbox = [];
    private readonly Dictionary<NodeName, (long Id, TimeSpan Since)> _pendingChecks = [];
    private readonly Dictionary<PartisanRef, PartisanTarget> _held = [];
    private readonly Dictionary<PartisanTarget, HashSet<PartisanRef>> _heldByTarget = [];
    private readonly Dictionary<NodeName, HashSet<PartisanRef>> _heldByWatcher = [];
    private readonly Dictionary<NodeName, TimeSpan> _heard = [];
    private long _nextCheckId;

    /// <summary>The watches this node keeps.</summary>
    public int WatchCount => _watches.Count;

    /// <summary>The monitors this node holds, for every watcher.</summary>
    public int HeldCount => _held.Count;

    // ---- watcher side ----

    /// <summary>Keeps <paramref name="watch"/> until its <c>DOWN</c> or demonitor.</summary>
    /// <exception cref="ArgumentException">A watch with that reference is kept already.</exception>
    public void Watch(ProcessWatch watch)
    {
        _watches.Add(watch.Monitor, watch);
        Index(_watchesByNode, watch.Node, watch.Monitor);
        if (watch.Subscriber is MailboxSubscriber mailbox)
        {
            Index(_watchesByMailbox, mailbox.MailboxRef, watch.Monitor);
        }
    }

    /// <summary>The watch of <paramref name="monitor"/>, if kept.</summary>
    public ProcessWatch? FindWatch(PartisanRef monitor) => _watches.GetValueOrDefault(monitor);

    /// <summary>Stops keeping the watch of <paramref name="monitor"/>: the one place a watch ends, so it ends once.</summary>
    public bool TryUnwatch(PartisanRef monitor, [NotNullWhen(true)] out ProcessWatch? watch)
    {
        if (!_watches.Remove(monitor, out watch))
        {
            return false;
        }

        Unindex(_watchesByNode, watch.Node, monitor);
        if (!_watchesByNode.ContainsKey(watch.Node))
        {
            _pendingChecks.Remove(watch.Node);
        }

        if (watch.Subscriber is MailboxSubscriber mailbox)
        {
            Unindex(_watchesByMailbox, mailbox.MailboxRef, monitor);
        }

        return true;
    }

    /// <summary>Ends every watch of a process on <paramref name="node"/> (it went down) and returns them.</summary>
    public IReadOnlyList<ProcessWatch> UnwatchNode(NodeName node)
        => _watchesByNode.TryGetValue(node, out var monitors) ? UnwatchAll([.. monitors]) : [];

    /// <summary>Ends every watch of a process on another node (this node leaves) and returns them.</summary>
    public IReadOnlyList<ProcessWatch> UnwatchRemote()
        => UnwatchAll([.. _watchesByNode.Where(n => n.Key != self).SelectMany(n => n.Value)]);

    /// <summary>The watches whose subscriber is the mailbox <paramref name="mailbox"/>.</summary>
    public IReadOnlyList<ProcessWatch> WatchesFor(ProcessRef mailbox)
        => _watchesByMailbox.TryGetValue(mailbox, out var monitors) ? [.. monitors.Select(m => _watches[m])] : [];

    /// <summary>
    /// One round of checks (partial views): a node whose check has been pending for <paramref name="timeout"/>
    /// is taken for down (its watches end and are returned as overdue); every other watched node with no
    /// pending check gets a new one.
    /// </summary>
    public CheckRound Check(TimeSpan now, TimeSpan timeout)
    {
        var overdue = new List<ProcessWatch>();
        var checks = new List<(NodeName, MonitorCheck)>();
        foreach (var node in _watchesByNode.Keys.Where(n => n != self).ToList())
        {
            if (_pendingChecks.TryGetValue(node, out var pending))
            {
                if (now - pending.Since >= timeout)
                {
                    overdue.AddRange(UnwatchNode(node));
                }
            }
            else
            {
                checks.Add((node, StartCheck(node, now)));
            }
        }

        return new CheckRound(overdue, checks);
    }

    /// <summary>Starts a check of <paramref name="node"/> now, unless none is needed (nothing watched there) or one is pending.</summary>
    public MonitorCheck? CheckNow(NodeName node, TimeSpan now)
        => node != self && _watchesByNode.ContainsKey(node) && !_pendingChecks.ContainsKey(node) ? StartCheck(node, now) : null;

    /// <summary>The answer to check <paramref name="checkId"/> arrived from <paramref name="node"/>; false if it is not the pending one.</summary>
    public bool Answered(NodeName node, long checkId)
        => _pendingChecks.TryGetValue(node, out var pending) && pending.Id == checkId && _pendingChecks.Remove(node);

    // ---- target side ----

    /// <summary>Holds <paramref name="monitor"/> on <paramref name="target"/> for its watcher (the node that made the reference); false if held already.</summary>
    public bool Hold(PartisanRef monitor, PartisanTarget target, TimeSpan now)
    {
        Heard(monitor.Node, now);
        if (!_held.TryAdd(monitor, target))
        {
            return false;
        }

        Index(_heldByTarget, target, monitor);
        Index(_heldByWatcher, monitor.Node, monitor);
        return true;
    }

    /// <summary>Stops holding <paramref name="monitor"/>: the one place a held monitor ends, so its <c>DOWN</c> is sent once.</summary>
    public bool Release(PartisanRef monitor)
    {
        if (!_held.Remove(monitor, out var target))
        {
            return false;
        }

        Unindex(_heldByTarget, target, monitor);
        Unindex(_heldByWatcher, monitor.Node, monitor);
        if (!_heldByWatcher.ContainsKey(monitor.Node))
        {
            _heard.Remove(monitor.Node);
        }

        return true;
    }

    /// <summary>Releases and returns every monitor held on <paramref name="target"/> (it exited).</summary>
    public IReadOnlyList<PartisanRef> ReleaseTarget(PartisanTarget target)
        => _heldByTarget.TryGetValue(target, out var monitors) ? ReleaseAll([.. monitors]) : [];

    /// <summary>Releases and returns every monitor held for <paramref name="watcher"/> (its node went down).</summary>
    public IReadOnlyList<PartisanRef> ReleaseWatcher(NodeName watcher)
        => _heldByWatcher.TryGetValue(watcher, out var monitors) ? ReleaseAll([.. monitors]) : [];

    /// <summary>Releases and returns every monitor held for another node (this node leaves).</summary>
    public IReadOnlyList<PartisanRef> ReleaseRemote()
        => ReleaseAll([.. _heldByWatcher.Where(w => w.Key != self).SelectMany(w => w.Value)]);

    /// <summary>The number of monitors held for <paramref name="watcher"/>.</summary>
    public int HeldFor(NodeName watcher) => _heldByWatcher.TryGetValue(watcher, out var monitors) ? monitors.Count : 0;

    /// <summary>Renews the lease of <paramref name="watcher"/>'s monitors.</summary>
    public void Heard(NodeName watcher, TimeSpan now)
    {
        if (watcher != self)
        {
            _heard[watcher] = now;
        }
    }

    /// <summary>Releases and returns the monitors of every watcher not heard from for longer than <paramref name="lease"/> (partial views).</summary>
    public IReadOnlyList<(NodeName Watcher, IReadOnlyList<PartisanRef> Released)> ExpireLeases(TimeSpan now, TimeSpan lease)
    {
        var expired = _heard.Where(h => now - h.Value > lease).Select(h => h.Key).ToList();
        var released = expired.Select(w => (w, ReleaseWatcher(w))).Where(e => e.Item2.Count > 0).ToList();
        expired.ForEach(w => _heard.Remove(w)); // also a watcher that checked while holding nothing here
        return released;
    }

    /// <summary>
    /// Takes <paramref name="check"/> from <paramref name="watcher"/>: renews its lease, releases (and returns as
    /// dropped) its monitors up to the watermark that it no longer lists, and returns those it lists that are not
    /// held (for the caller to hold, or to answer <see cref="ProcessDownReason.NoProcess"/>).
    /// </summary>
    public Reconciliation Reconcile(NodeName watcher, MonitorCheck check, TimeSpan now)
    {
        Heard(watcher, now);
        var listed = check.Monitors.Where(m => m.Monitor.Node == watcher).ToList();
        var kept = listed.Select(m => m.Monitor).ToHashSet();
        var dropped = _heldByWatcher.TryGetValue(watcher, out var held)
            ? ReleaseAll([.. held.Where(m => m.Id <= check.Watermark && !kept.Contains(m))])
            : [];
        return new Reconciliation([.. listed.Where(m => !_held.ContainsKey(m.Monitor))], dropped);
    }

    private MonitorCheck StartCheck(NodeName node, TimeSpan now)
    {
        var id = ++_nextCheckId;
        _pendingChecks[node] = (id, now);
        var listed = _watchesByNode[node].OrderBy(m => m.Id).Select(m => new MonitorRequest(m, _watches[m].Target)).ToImmutableArray();
        return new MonitorCheck(id, listed, listed[^1].Monitor.Id);
    }

    private List<ProcessWatch> UnwatchAll(List<PartisanRef> monitors)
    {
        var ended = new List<ProcessWatch>(monitors.Count);
        foreach (var monitor in monitors)
        {
            if (TryUnwatch(monitor, out var watch))
            {
                ended.Add(watch);
            }
        }

        return ended;
    }

    private List<PartisanRef> ReleaseAll(List<PartisanRef> monitors) => monitors.Where(Release).ToList();

    private static void Index<TKey>(Dictionary<TKey, HashSet<PartisanRef>> index, TKey key, PartisanRef monitor)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var set))
        {
            index[key] = set = [];
        }

        set.Add(monitor);
    }

    private static void Unindex<TKey>(Dictionary<TKey, HashSet<PartisanRef>> index, TKey key, PartisanRef monitor)
        where TKey : notnull
    {
        if (index.TryGetValue(key, out var set) && set.Remove(monitor) && set.Count == 0)
        {
            index.Remove(key);
        }
    }
}

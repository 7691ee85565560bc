using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>The registry of process monitors on its own: each watch and each held monitor ends once; checks, leases and repairs.</summary>
public sealed class ProcessMonitorTableTests
{
    private static readonly NodeName A = new("a");
    private static readonly NodeName B = new("b");
    private static readonly NodeName C = new("c");
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly NodeEventSubscriber Callback = NodeEventSubscriber.ProcessDownCallback(_ => { });

    private static ProcessWatch WatchOf(long id, NodeName node, PartisanTarget? target = null, NodeEventSubscriber? subscriber = null)
        => new(new PartisanRef(A, id), node, target ?? new ProcessRef(node, id), subscriber ?? Callback);

    [Fact]
    public void A_watch_ends_once_whichever_way_it_ends()
    {
        var table = new ProcessMonitorTable(A);
        table.Watch(WatchOf(1, B));
        table.Watch(WatchOf(2, B));
        table.Watch(WatchOf(3, C));

        Assert.True(table.TryUnwatch(new PartisanRef(A, 1), out var first));
        Assert.Equal(B, first.Node);
        Assert.False(table.TryUnwatch(new PartisanRef(A, 1), out _));

        var onB = table.UnwatchNode(B);
        Assert.Equal([2L], onB.Select(w => w.Monitor.Id));
        Assert.Empty(table.UnwatchNode(B));
        Assert.False(table.TryUnwatch(new PartisanRef(A, 2), out _));
        Assert.Equal(1, table.WatchCount);
        Assert.Throws<ArgumentException>(() => table.Watch(WatchOf(3, C)));
    }

    [Fact]
    public void Unwatching_remote_nodes_keeps_local_watches_and_mailbox_subscribers_are_indexed()
    {
        var table = new ProcessMonitorTable(A);
        var subscriber = new ProcessRef(A, 42);
        table.Watch(WatchOf(1, A, subscriber: NodeEventSubscriber.Mailbox(subscriber)));
        table.Watch(WatchOf(2, B, subscriber: NodeEventSubscriber.Mailbox(subscriber)));
        table.Watch(WatchOf(3, C));

        Assert.Equal([1L, 2L], table.WatchesFor(subscriber).Select(w => w.Monitor.Id).Order());
        Assert.Equal([2L, 3L], table.UnwatchRemote().Select(w => w.Monitor.Id).Order());
        Assert.Equal([1L], table.WatchesFor(subscriber).Select(w => w.Monitor.Id));
        Assert.Equal(1, table.WatchCount);
    }

    [Fact]
    public void A_held_monitor_is_released_once_by_its_target_its_watcher_or_a_demonitor()
    {
        var table = new ProcessMonitorTable(A);
        var box = new ProcessRef(A, 7);
        var name = new NamedTarget("svc");
        table.Hold(new PartisanRef(B, 1), box, TimeSpan.Zero);
        table.Hold(new PartisanRef(B, 2), box, TimeSpan.Zero);
        table.Hold(new PartisanRef(C, 1), box, TimeSpan.Zero);
        table.Hold(new PartisanRef(B, 3), name, TimeSpan.Zero);
        table.Hold(new PartisanRef(A, 9), name, TimeSpan.Zero);
        Assert.False(table.Hold(new PartisanRef(B, 3), name, TimeSpan.Zero));

        Assert.True(table.Release(new PartisanRef(B, 2)));
        Assert.False(table.Release(new PartisanRef(B, 2)));
        Assert.Equal([new PartisanRef(B, 1), new PartisanRef(C, 1)], table.ReleaseTarget(box).OrderBy(m => m.Node).ToList());
        Assert.Empty(table.ReleaseTarget(box));
        Assert.Equal(1, table.HeldFor(B));
        Assert.Equal([new PartisanRef(B, 3)], table.ReleaseWatcher(B));
        Assert.Equal(0, table.HeldFor(B));

        // This node's own monitors are not released when it leaves: only other watchers'.
        table.Hold(new PartisanRef(C, 2), name, TimeSpan.Zero);
        Assert.Equal([new PartisanRef(C, 2)], table.ReleaseRemote());
        Assert.Equal(1, table.HeldCount);
    }

    [Fact]
    public void A_check_lists_every_monitor_on_the_node_and_an_unanswered_one_makes_the_node_down_at_the_next_round()
    {
        var table = new ProcessMonitorTable(A);
        table.Watch(WatchOf(5, B));
        table.Watch(WatchOf(2, B));
        table.Watch(WatchOf(3, C));
        table.Watch(WatchOf(4, A)); // a local monitor: never checked

        var first = table.Check(TimeSpan.Zero, Interval / 2);
        Assert.Empty(first.Overdue);
        var toB = Assert.Single(first.Checks, c => c.Node == B).Check;
        Assert.Equal([2L, 5L], toB.Monitors.Select(m => m.Monitor.Id));
        Assert.Equal(5, toB.Watermark);
        Assert.Equal(2, first.Checks.Count);
        var toC = Assert.Single(first.Checks, c => c.Node == C).Check;

        Assert.True(table.Answered(C, toC.CheckId));
        Assert.False(table.Answered(C, toC.CheckId));
        Assert.False(table.Answered(B, toC.CheckId));

        var second = table.Check(Interval, Interval / 2);
        Assert.Equal([2L, 5L], second.Overdue.Select(w => w.Monitor.Id).Order());
        Assert.Equal(C, Assert.Single(second.Checks).Node);
        Assert.Null(table.FindWatch(new PartisanRef(A, 2)));
        Assert.NotNull(table.FindWatch(new PartisanRef(A, 4)));
    }

    [Fact]
    public void A_check_started_on_a_nodedown_gets_at_least_the_timeout_before_the_node_is_down()
    {
        var table = new ProcessMonitorTable(A);
        Assert.Null(table.CheckNow(B, TimeSpan.Zero)); // nothing watched there
        table.Watch(WatchOf(1, B));
        Assert.NotNull(table.CheckNow(B, TimeSpan.FromSeconds(4)));
        Assert.Null(table.CheckNow(B, TimeSpan.FromSeconds(4))); // one pending at a time

        Assert.Empty(table.Check(TimeSpan.FromSeconds(5), Interval / 2).Overdue);
        Assert.Single(table.Check(TimeSpan.FromSeconds(7), Interval / 2).Overdue);
    }

    [Fact]
    public void A_check_renews_the_lease_returns_what_the_target_lacks_and_drops_what_the_watcher_no_longer_lists()
    {
        var table = new ProcessMonitorTable(B);
        var box = new ProcessRef(B, 1);
        table.Hold(new PartisanRef(A, 1), box, TimeSpan.Zero); // listed: kept
        table.Hold(new PartisanRef(A, 2), box, TimeSpan.Zero); // demonitored, its demonitor lost: dropped
        table.Hold(new PartisanRef(A, 9), box, TimeSpan.Zero); // newer than the check: kept
        table.Hold(new PartisanRef(C, 1), box, TimeSpan.Zero); // another watcher's: untouched

        var check = new MonitorCheck(1, [new MonitorRequest(new PartisanRef(A, 1), box), new MonitorRequest(new PartisanRef(A, 4), box)], Watermark: 4);
        var reconciled = table.Reconcile(A, check, TimeSpan.FromSeconds(14));

        Assert.Equal([new PartisanRef(A, 4)], reconciled.Missing.Select(m => m.Monitor));
        Assert.Equal([new PartisanRef(A, 2)], reconciled.Dropped);
        Assert.Equal(2, table.HeldFor(A));
        Assert.Equal(1, table.HeldFor(C));

        // A was heard at 14 s, C at 0: with a 15 s lease, only C's monitors expire at 16 s.
        var expired = Assert.Single(table.ExpireLeases(TimeSpan.FromSeconds(16), Interval * 3));
        Assert.Equal((C, 1), (expired.Watcher, expired.Released.Count));
        Assert.Equal(2, table.HeldFor(A));
    }

    [Fact]
    public void A_check_cannot_touch_monitors_of_another_watcher_and_local_monitors_never_expire()
    {
        var table = new ProcessMonitorTable(B);
        var box = new ProcessRef(B, 1);
        table.Hold(new PartisanRef(C, 1), box, TimeSpan.Zero);
        table.Hold(new PartisanRef(B, 1), box, TimeSpan.Zero);

        var forged = new MonitorCheck(1, [new MonitorRequest(new PartisanRef(C, 5), box)], Watermark: 10);
        var reconciled = table.Reconcile(A, forged, TimeSpan.Zero);

        Assert.Empty(reconciled.Missing);
        Assert.Empty(reconciled.Dropped);
        Assert.Equal(1, table.HeldFor(C));
        Assert.Equal([C], table.ExpireLeases(TimeSpan.FromHours(1), Interval * 3).Select(e => e.Watcher));
        Assert.Equal(1, table.HeldFor(B));
    }
}

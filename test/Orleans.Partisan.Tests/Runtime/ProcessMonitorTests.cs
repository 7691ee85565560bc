using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>Process monitors and liveness between real nodes on loopback (full mesh): one DOWN per monitor, with the right reason.</summary>
[Collection("Runtime")]
public sealed class ProcessMonitorTests
{
    [Fact]
    public async Task A_local_mailbox_disposed_gives_one_DOWN_Normal_and_a_missing_one_NoProcess_at_once()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        using var watcher = a.CreateMailbox();
        var target = a.CreateMailbox();

        var monitor = a.Monitor(target.Self, NodeEventSubscriber.Mailbox(watcher.Self));
        Assert.False(watcher.TryReceive(out _));
        target.Dispose();
        target.Dispose();

        var down = AssertDown(watcher, monitor, target.Self, ProcessDownReason.Normal);
        Assert.Equal(a.Name, down.Node);
        Assert.False(watcher.TryReceive(out _));

        var never = a.Monitor(new ProcessRef(a.Name, 999_999), NodeEventSubscriber.Mailbox(watcher.Self));
        AssertDown(watcher, never, new ProcessRef(a.Name, 999_999), ProcessDownReason.NoProcess);
        var unnamed = a.Monitor(a.Name, PartisanTarget.Named("nobody"), NodeEventSubscriber.Mailbox(watcher.Self));
        AssertDown(watcher, unnamed, PartisanTarget.Named("nobody"), ProcessDownReason.NoProcess);
        var grain = a.Monitor(a.Name, PartisanTarget.Grain(GrainId.Create("test", "g")), NodeEventSubscriber.Mailbox(watcher.Self));
        AssertDown(watcher, grain, PartisanTarget.Grain(GrainId.Create("test", "g")), ProcessDownReason.NoProcess); // no grain runtime here
    }

    [Fact]
    public async Task A_remote_receiver_unregistered_gives_DOWN_Normal_to_a_callback_and_the_target_node_forgets_the_monitor()
    {
        await using var nodes = new TestNodes();
        var (a, b) = await PairAsync(nodes);
        var receiver = b.RegisterReceiver("svc", _ => { });
        var downs = new List<ProcessDown>();
        var monitor = a.Monitor(b.Name, PartisanTarget.Named("svc"), NodeEventSubscriber.ProcessDownCallback(d => { lock (downs) { downs.Add(d); } }));
        await TestNodes.WaitUntilAsync(() => b.Processes.HeldFor(a.Name) == 1, () => $"b holding a's monitor; holds {b.Processes.HeldFor(a.Name)}");

        receiver.Dispose();

        await TestNodes.WaitUntilAsync(() => { lock (downs) { return downs.Count == 1; } }, () => "one DOWN at a");
        var down = downs.Single();
        Assert.Equal((monitor, b.Name, (PartisanTarget)PartisanTarget.Named("svc"), ProcessDownReason.Normal), (down.Monitor, down.Node, down.Target, down.Reason));
        Assert.Equal(0, b.Processes.HeldFor(a.Name));
        Assert.False(a.Demonitor(monitor));
    }

    [Fact]
    public async Task A_remote_target_that_does_not_exist_gives_NoProcess_and_a_node_not_connected_NoConnection_at_once()
    {
        await using var nodes = new TestNodes();
        var (a, b) = await PairAsync(nodes);
        using var watcher = a.CreateMailbox();

        var missing = a.Monitor(new ProcessRef(b.Name, 424_242), NodeEventSubscriber.Mailbox(watcher.Self));
        using var timeout = new CancellationTokenSource(TestNodes.Timeout);
        var down = (ProcessDown)(await watcher.ReceiveAsync(timeout.Token)).Message;
        Assert.Equal((missing, ProcessDownReason.NoProcess), (down.Monitor, down.Reason));

        var ghost = new NodeName("ghost");
        var unreachable = a.Monitor(ghost, PartisanTarget.Named("svc"), NodeEventSubscriber.Mailbox(watcher.Self));
        var noConnection = AssertDown(watcher, unreachable, PartisanTarget.Named("svc"), ProcessDownReason.NoConnection);
        Assert.Equal(ghost, noConnection.Node);
        Assert.Equal(0, b.Processes.HeldFor(a.Name));
    }

    [Fact]
    public async Task A_crashed_target_node_gives_NoConnection_and_a_crashed_watcher_node_is_forgotten_by_the_target_node()
    {
        await using var nodes = new TestNodes();
        var (a, b) = await PairAsync(nodes);
        var c = await nodes.StartAsync();
        await c.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => nodes.Nodes.All(n => nodes.Nodes.All(m => m == n || n.IsFullyConnected(m.Name))), () => "a triangle");
        using var onB = b.CreateMailbox();
        using var watcher = a.CreateMailbox();
        var monitor = a.Monitor(onB.Self, NodeEventSubscriber.Mailbox(watcher.Self));
        using var onC = c.CreateMailbox();
        c.Monitor(onB.Self, NodeEventSubscriber.ProcessDownCallback(_ => { }));
        await TestNodes.WaitUntilAsync(() => b.Processes.HeldFor(a.Name) == 1 && b.Processes.HeldFor(c.Name) == 1, () => "b holding a's and c's monitors");

        await c.DisposeAsync(); // no leave: a crash, as far as b can tell
        await TestNodes.WaitUntilAsync(() => b.Processes.HeldFor(c.Name) == 0, () => $"b dropping the monitor of crashed c; holds {b.Processes.HeldFor(c.Name)}");

        await b.DisposeAsync();
        using var timeout = new CancellationTokenSource(TestNodes.Timeout);
        var down = (ProcessDown)(await watcher.ReceiveAsync(timeout.Token)).Message;
        Assert.Equal((monitor, onB.Self, ProcessDownReason.NoConnection), (down.Monitor, (ProcessRef)down.Target, down.Reason));
    }

    [Fact]
    public async Task A_demonitored_remote_monitor_sends_no_DOWN_and_a_flush_withdraws_an_unread_one()
    {
        await using var nodes = new TestNodes();
        var (a, b) = await PairAsync(nodes);
        using var watcher = a.CreateMailbox();
        var quiet = b.CreateMailbox();
        var barrier = b.CreateMailbox();
        var off = a.Monitor(quiet.Self, NodeEventSubscriber.Mailbox(watcher.Self));
        var on = a.Monitor(barrier.Self, NodeEventSubscriber.Mailbox(watcher.Self));
        await TestNodes.WaitUntilAsync(() => b.Processes.HeldFor(a.Name) == 2, () => "b holding both monitors");

        Assert.True(a.Demonitor(off));
        Assert.False(a.Demonitor(off));
        await TestNodes.WaitUntilAsync(() => b.Processes.HeldFor(a.Name) == 1, () => "b forgetting the demonitored one");
        quiet.Dispose();
        barrier.Dispose(); // its DOWN comes after any of the other's, on the same lane

        using var timeout = new CancellationTokenSource(TestNodes.Timeout);
        var down = (ProcessDown)(await watcher.ReceiveAsync(timeout.Token)).Message;
        Assert.Equal((on, ProcessDownReason.Normal), (down.Monitor, down.Reason));

        // Local: the DOWN is in the watcher's mailbox as soon as the target exits; a flush takes it back.
        var local = a.CreateMailbox();
        var flushed = a.Monitor(local.Self, NodeEventSubscriber.Mailbox(watcher.Self));
        var kept = a.Monitor(local.Self, NodeEventSubscriber.Mailbox(watcher.Self));
        local.Dispose();
        Assert.False(a.Demonitor(flushed, flush: true));
        AssertDown(watcher, kept, local.Self, ProcessDownReason.Normal);
        Assert.False(watcher.TryReceive(out _));
    }

    [Fact]
    public async Task A_flushed_DOWN_never_reaches_a_callback_and_a_disposed_watcher_mailbox_ends_its_monitors()
    {
        await using var nodes = new TestNodes();
        var (a, b) = await PairAsync(nodes);
        var gate = new ManualResetEventSlim();
        var seen = new List<PartisanRef>();
        var subscriber = NodeEventSubscriber.ProcessDownCallback(d =>
        {
            gate.Wait(TestNodes.Timeout);
            lock (seen)
            {
                seen.Add(d.Monitor);
            }
        });
        var blocker = a.CreateMailbox();
        var queued = a.CreateMailbox();
        var first = a.Monitor(blocker.Self, subscriber);
        var second = a.Monitor(queued.Self, subscriber);
        blocker.Dispose(); // the first DOWN holds the loop at the gate,
        queued.Dispose(); // so the second waits in the queue behind it
        Assert.False(a.Demonitor(second, flush: true));
        gate.Set();
        var last = a.CreateMailbox();
        var third = a.Monitor(last.Self, subscriber);
        last.Dispose();
        await TestNodes.WaitUntilAsync(() => { lock (seen) { return seen.Contains(third); } }, () => "the third DOWN");
        lock (seen)
        {
            Assert.Equal([first, third], seen);
        }

        var watcher = a.CreateMailbox();
        using var onB = b.CreateMailbox();
        a.Monitor(onB.Self, NodeEventSubscriber.Mailbox(watcher.Self));
        await TestNodes.WaitUntilAsync(() => b.Processes.HeldFor(a.Name) == 1, () => "b holding the monitor");
        watcher.Dispose();
        await TestNodes.WaitUntilAsync(() => b.Processes.HeldFor(a.Name) == 0, () => "b told to drop the monitor of a disposed mailbox");
    }

    [Fact]
    public async Task A_flushed_DOWN_is_skipped_by_every_way_of_reading_the_mailbox()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        using var watcher = a.CreateMailbox();
        var target = a.CreateMailbox();
        var monitor = a.Monitor(target.Self, NodeEventSubscriber.Mailbox(watcher.Self));
        target.Dispose();
        Assert.False(a.Demonitor(monitor, flush: true));
        await a.ForwardMessageAsync(watcher.Self, new Note("after"));

        using var timeout = new CancellationTokenSource(TestNodes.Timeout);
        Assert.Equal("after", ((Note)(await watcher.ReceiveAsync(timeout.Token)).Message).Text);

        // A user's own ProcessDown message with the same reference is not taken for the flushed one.
        var forged = new ProcessDown(monitor, a.Name, target.Self, ProcessDownReason.Normal);
        var second = a.Monitor(target.Self, NodeEventSubscriber.Mailbox(watcher.Self)); // NoProcess, at once
        Assert.False(a.Demonitor(second, flush: true));
        await a.ForwardMessageAsync(watcher.Self, forged);
        await foreach (var message in watcher.Reader.ReadAllAsync(timeout.Token))
        {
            Assert.Same(forged, message.Message);
            break;
        }
    }

    [Fact]
    public async Task Liveness_answers_locally_and_remotely_and_sends_take_a_process_ref_alone()
    {
        await using var nodes = new TestNodes();
        var (a, b) = await PairAsync(nodes);
        using var onA = a.CreateMailbox();
        var onB = b.CreateMailbox();

        Assert.True(a.IsAlive);
        Assert.True(a.IsLocal(onA.Self));
        Assert.False(a.IsLocal(onB.Self));
        Assert.True(a.IsProcessAlive(onA.Self));
        Assert.False(a.IsProcessAlive(new ProcessRef(a.Name, 777_777)));
        Assert.Throws<ArgumentException>(() => a.IsProcessAlive(onB.Self));
        Assert.True(await a.IsProcessAliveAsync(onA.Self, TestNodes.Timeout));
        Assert.True(await a.IsProcessAliveAsync(onB.Self, TestNodes.Timeout));
        Assert.False(await a.IsProcessAliveAsync(new ProcessRef(b.Name, 777_777), TestNodes.Timeout));
        Assert.False(await a.IsProcessAliveAsync(new ProcessRef(new NodeName("ghost"), 1), TestNodes.Timeout));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => a.IsProcessAliveAsync(onB.Self, TimeSpan.Zero));

        await a.ForwardMessageAsync(onB.Self, new Note("forwarded"));
        await a.CastMessageAsync(onB.Self, new Note("cast"));
        using var timeout = new CancellationTokenSource(TestNodes.Timeout);
        var forwarded = await onB.ReceiveAsync(timeout.Token);
        var cast = await onB.ReceiveAsync(timeout.Token);
        Assert.Equal(("forwarded", false, "cast", true), (((Note)forwarded.Message).Text, forwarded.IsCast, ((Note)cast.Message).Text, cast.IsCast));

        onB.Dispose();
        Assert.False(await a.IsProcessAliveAsync(onB.Self, TestNodes.Timeout));

        await b.LeaveAsync();
        Assert.False(b.IsAlive);
        await a.DisposeAsync();
        Assert.False(a.IsAlive);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_clear_error()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        using var box = a.CreateMailbox();
        var down = NodeEventSubscriber.ProcessDownCallback(_ => { });

        Assert.Contains("node events", Assert.Throws<ArgumentException>(() => a.Monitor(box.Self, NodeEventSubscriber.Callback(_ => { }))).Message);
        Assert.Contains("belongs to node", Assert.Throws<ArgumentException>(() => a.Monitor(new NodeName("other"), box.Self, down)).Message);
        Assert.Contains("not a mailbox of this node", Assert.Throws<ArgumentException>(() => a.Monitor(box.Self, NodeEventSubscriber.Mailbox(new ProcessRef(new NodeName("other"), 1)))).Message);
        Assert.Contains("DOWN", Assert.Throws<ArgumentException>(() => a.MonitorNodes(true, down)).Message);
        Assert.Throws<ArgumentException>(() => a.MonitorNode(new NodeName("other"), true, down));
        Assert.Throws<ArgumentNullException>(() => a.Monitor(null!, down));
        Assert.False(a.Demonitor(new PartisanRef(a.Name, 123_456)));
    }

    internal static ProcessDown AssertDown(Mailbox watcher, PartisanRef monitor, PartisanTarget target, ProcessDownReason reason)
    {
        Assert.True(watcher.TryReceive(out var message), $"a DOWN {reason} of {target} in the watcher's mailbox");
        var down = Assert.IsType<ProcessDown>(message.Message);
        Assert.Equal((monitor, target, reason), (down.Monitor, down.Target, down.Reason));
        return down;
    }

    private static async Task<(PartisanNode A, PartisanNode B)> PairAsync(TestNodes nodes)
    {
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync();
        await b.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => a.IsFullyConnected(b.Name) && b.IsFullyConnected(a.Name), () => "a pair fully connected");
        return (a, b);
    }
}

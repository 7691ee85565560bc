using Orleans.Partisan.Runtime;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>
/// Process monitors under HyParView: connections come and go with the active view, so monitors travel
/// transitively and the watcher checks target nodes instead of trusting connection events.
/// </summary>
[Collection("Runtime")]
public sealed class ProcessMonitorPartialViewTests
{
    // A check unanswered by the next tick is a DOWN, so the interval has to outlast a stall of a loaded 2-core machine
    // (a check and its answer relayed through b); 200 ms did not, always.
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_monitor_outlives_its_node_leaving_the_active_view_and_its_DOWN_still_arrives()
    {
        await using var nodes = new TestNodes();
        var (a, b, c) = await TriangleAsync(nodes);
        using var watcher = a.CreateMailbox();
        var onC = c.CreateMailbox();
        var monitor = a.Monitor(onC.Self, NodeEventSubscriber.Mailbox(watcher.Self));
        await TestNodes.WaitUntilAsync(() => c.Processes.HeldFor(a.Name) == 1, () => "c holding a's monitor");

        var answered = a.Processes.ChecksAnswered;
        await a.DisconnectNodeAsync(c.Name);
        await TestNodes.WaitUntilAsync(() => a.Processes.ChecksAnswered >= answered + 2, () => $"two checks of c answered after the disconnect; {a.Processes.ChecksAnswered - answered} were");
        Assert.False(watcher.TryReceive(out var early), $"no DOWN while c lives; got {early?.Message}");
        Assert.Equal(1, c.Processes.HeldFor(a.Name));

        onC.Dispose();
        using var timeout = new CancellationTokenSource(TestNodes.Timeout);
        var down = (ProcessDown)(await watcher.ReceiveAsync(timeout.Token)).Message;
        Assert.Equal((monitor, ProcessDownReason.Normal), (down.Monitor, down.Reason));

        // A node removed from the overlay (as Orleans' death verdict does) is down at once.
        using var onB = b.CreateMailbox();
        var removed = a.Monitor(onB.Self, NodeEventSubscriber.Mailbox(watcher.Self));
        await a.LeaveAsync(b.Name);
        ProcessMonitorTests.AssertDown(watcher, removed, onB.Self, ProcessDownReason.NoConnection);
    }

    [Fact]
    public async Task A_crashed_node_is_found_by_the_checks_and_a_crashed_watchers_monitors_expire()
    {
        await using var nodes = new TestNodes();
        var (a, _, c) = await TriangleAsync(nodes);
        using var watcher = a.CreateMailbox();
        using var onC = c.CreateMailbox();
        using var onA = a.CreateMailbox();
        var monitor = a.Monitor(onC.Self, NodeEventSubscriber.Mailbox(watcher.Self));
        c.Monitor(onA.Self, NodeEventSubscriber.ProcessDownCallback(_ => { }));
        await TestNodes.WaitUntilAsync(() => a.Processes.HeldFor(c.Name) == 1 && c.Processes.HeldFor(a.Name) == 1, () => "a and c holding each other's monitor");

        await c.DisposeAsync(); // no leave, no DOWN: only the checks can tell

        using var timeout = new CancellationTokenSource(TestNodes.Timeout);
        var down = (ProcessDown)(await watcher.ReceiveAsync(timeout.Token)).Message;
        Assert.Equal((monitor, ProcessDownReason.NoConnection), (down.Monitor, down.Reason));
        await TestNodes.WaitUntilAsync(() => a.Processes.HeldFor(c.Name) == 0, () => "a dropping the monitor of c once its lease expired");
    }

    [Fact]
    public async Task A_node_that_leaves_gracefully_tells_its_watchers_NoConnection()
    {
        await using var nodes = new TestNodes();
        var (a, b, c) = await TriangleAsync(nodes);
        using var watcher = a.CreateMailbox();
        using var onC = c.CreateMailbox();
        var monitor = a.Monitor(onC.Self, NodeEventSubscriber.Mailbox(watcher.Self));
        using var onB = b.CreateMailbox();
        var outgoing = c.Monitor(onB.Self, NodeEventSubscriber.ProcessDownCallback(_ => { }));
        await TestNodes.WaitUntilAsync(() => c.Processes.HeldFor(a.Name) == 1 && b.Processes.HeldFor(c.Name) == 1, () => "c and b holding the monitors");

        await c.LeaveAsync();

        using var timeout = new CancellationTokenSource(TestNodes.Timeout);
        var down = (ProcessDown)(await watcher.ReceiveAsync(timeout.Token)).Message;
        Assert.Equal((monitor, ProcessDownReason.NoConnection), (down.Monitor, down.Reason));
        Assert.False(c.Demonitor(outgoing)); // c's own monitors ended with its leave
        Assert.False(c.IsAlive);
    }

    [Fact]
    public async Task A_liveness_question_lost_on_the_way_is_asked_again_until_answered()
    {
        await using var nodes = new TestNodes();
        var lose = new QuestionDropper(2);
        var (a, _, c) = await TriangleAsync(nodes, lose);
        var onC = c.CreateMailbox();

        Assert.True(await a.IsProcessAliveAsync(onC.Self, TestNodes.Timeout), "a's question answered although the first two copies were lost");
        Assert.True(lose.Seen >= 3, $"a asking at least three times; it asked {lose.Seen} times");
        onC.Dispose();
        Assert.False(await a.IsProcessAliveAsync(onC.Self, TestNodes.Timeout));
    }

    private static async Task<(PartisanNode A, PartisanNode B, PartisanNode C)> TriangleAsync(TestNodes nodes, IPartisanInterposer? onA = null)
    {
        var a = await nodes.StartAsync(peerService: PartisanPeerService.HyParView, processMonitorCheckInterval: CheckInterval, interposer: onA);
        var b = await nodes.StartAsync(peerService: PartisanPeerService.HyParView, processMonitorCheckInterval: CheckInterval);
        var c = await nodes.StartAsync(peerService: PartisanPeerService.HyParView, processMonitorCheckInterval: CheckInterval);
        await b.JoinAsync(a.Spec);
        await c.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => nodes.Nodes.All(n => nodes.Nodes.All(m => m == n || n.IsConnected(m.Name))), () => "a HyParView triangle");
        return (a, b, c);
    }

    /// <summary>Drops the first <c>count</c> liveness questions a node sends, directly or by relay.</summary>
    private sealed class QuestionDropper(int count) : IPartisanInterposer
    {
        private int _seen;

        public int Seen => Volatile.Read(ref _seen);

        public InterposerDecision OnSend(in InterposedMessage message)
        {
            var forward = message.Message switch
            {
                ForwardEnvelope direct => direct,
                RelayEnvelope relayed => relayed.Forward,
                _ => null,
            };
            return forward?.Message is ProcessAliveQuestion && Interlocked.Increment(ref _seen) <= count
                ? InterposerDecision.Drop
                : InterposerDecision.Deliver;
        }

        public InterposerDecision OnReceive(in InterposedMessage message) => InterposerDecision.Deliver;
    }
}

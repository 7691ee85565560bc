namespace Orleans.Partisan.Tests.Runtime;

/// <summary>
/// Request-reply (<see cref="IPartisan.CallAsync{TResponse}"/>) between real nodes on loopback: how calls fail.
/// Calls that must fail fast are given a long timeout, and the exception's type says what ended them.
/// </summary>
[Collection("Runtime")]
public sealed class CallFailureTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_call_nobody_answers_times_out_and_the_late_reply_is_dropped_and_counted()
    {
        using var counters = new CallCounters();
        await using var nodes = new TestNodes();
        var (a, b) = await CallTests.PairAsync(nodes);
        using var callerBox = a.CreateMailbox();
        using var box = b.CreateMailbox();

        var timedOut = await Assert.ThrowsAsync<CallTimeoutException>(() => a.CallAsync<Note>(b.Name, box.Self, new Note("slow"), timeout: TimeSpan.FromMilliseconds(200)));
        Assert.Equal((b.Name, (PartisanTarget)box.Self, TimeSpan.FromMilliseconds(200)), (timedOut.Node, timedOut.Target, timedOut.Timeout));

        using var wait = new CancellationTokenSource(TestNodes.Timeout);
        var request = await box.ReceiveAsync(wait.Token);
        Assert.Equal(timedOut.Call, request.CallRef);
        await request.ReplyAsync(new Note("too late"));

        await TestNodes.WaitUntilAsync(() => counters.LateReplies == 1, () => $"one late reply counted; {counters}");
        Assert.Equal(1, counters.Failed("timeout"));
        Assert.False(callerBox.TryReceive(out _));
    }

    [Fact]
    public async Task A_cancelled_call_stops_waiting_and_its_late_reply_is_counted()
    {
        using var counters = new CallCounters();
        await using var nodes = new TestNodes();
        var (a, b) = await CallTests.PairAsync(nodes);
        using var box = b.CreateMailbox();
        using var cancel = new CancellationTokenSource();

        var call = a.CallAsync<Note>(b.Name, box.Self, new Note("never mind"), timeout: Long, cancellationToken: cancel.Token);
        using var wait = new CancellationTokenSource(TestNodes.Timeout);
        var request = await box.ReceiveAsync(wait.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await request.ReplyAsync(new Note("ignored"));

        await TestNodes.WaitUntilAsync(() => counters.LateReplies == 1, () => $"one late reply counted; {counters}");
        Assert.Equal(1, counters.Failed("cancelled"));
    }

    [Fact]
    public async Task A_call_to_a_target_that_does_not_exist_is_answered_so_by_the_callee()
    {
        using var counters = new CallCounters();
        await using var nodes = new TestNodes();
        var (a, b) = await CallTests.PairAsync(nodes);
        var closed = b.CreateMailbox();
        closed.Dispose();

        var noReceiver = await Assert.ThrowsAsync<CallTargetNotFoundException>(() => a.CallAsync<Note>(b.Name, PartisanTarget.Named("nobody"), new Note("?"), timeout: Long).WaitAsync(TestNodes.Timeout));
        var noMailbox = await Assert.ThrowsAsync<CallTargetNotFoundException>(() => a.CallAsync<Note>(b.Name, closed.Self, new Note("?"), timeout: Long).WaitAsync(TestNodes.Timeout));
        var noGrains = await Assert.ThrowsAsync<CallTargetNotFoundException>(() => a.CallAsync<Note>(b.Name, PartisanTarget.Grain(GrainId.Create("test", "g")), new Note("?"), timeout: Long).WaitAsync(TestNodes.Timeout));

        Assert.Contains("no receiver is registered", noReceiver.Detail);
        Assert.Equal(PartisanTarget.Named("nobody"), noReceiver.Target);
        Assert.Contains("mailbox does not exist", noMailbox.Detail);
        Assert.Contains("not an Orleans silo", noGrains.Detail);
        Assert.Equal(3, counters.Failed("no-such-target"));
    }

    [Fact]
    public async Task A_receiver_that_throws_fails_the_call_with_the_exception_type_and_message()
    {
        await using var nodes = new TestNodes();
        var (a, b) = await CallTests.PairAsync(nodes);
        using var fragile = b.RegisterReceiver("fragile", _ => throw new InvalidOperationException("failed on purpose"));

        var failed = await Assert.ThrowsAsync<CallHandlerException>(() => a.CallAsync<Note>(b.Name, PartisanTarget.Named("fragile"), new Note("boom"), timeout: Long).WaitAsync(TestNodes.Timeout));

        Assert.Equal((typeof(InvalidOperationException).FullName, "failed on purpose"), (failed.RemoteType, failed.RemoteMessage));
        Assert.Null(failed.InnerException);
        Assert.True(a.IsFullyConnected(b.Name));
    }

    [Fact]
    public async Task A_reply_of_another_type_than_asked_is_an_error_naming_both_types()
    {
        using var counters = new CallCounters();
        await using var nodes = new TestNodes();
        var (a, b) = await CallTests.PairAsync(nodes);
        using var echo = b.RegisterReceiver("echo", m => _ = m.ReplyAsync(((Note)m.Message).Text == "null" ? null : m.Message).AsTask());

        var wrong = await Assert.ThrowsAsync<CallResponseTypeException>(() => a.CallAsync<int>(b.Name, PartisanTarget.Named("echo"), new Note("n")).WaitAsync(TestNodes.Timeout));
        Assert.Contains(typeof(int).FullName!, wrong.Message);
        Assert.Contains(typeof(Note).FullName!, wrong.Message);
        Assert.Equal(new Note("n"), wrong.Response);

        Assert.Null(await a.CallAsync<Note?>(b.Name, PartisanTarget.Named("echo"), new Note("null")).WaitAsync(TestNodes.Timeout));
        var nullForInt = await Assert.ThrowsAsync<CallResponseTypeException>(() => a.CallAsync<int>(b.Name, PartisanTarget.Named("echo"), new Note("null")).WaitAsync(TestNodes.Timeout));
        Assert.Null(nullForInt.ResponseType);
        Assert.Equal(2, counters.Failed("wrong-response-type"));
    }

    [Fact]
    public async Task A_reply_that_cannot_be_serialized_fails_the_reply_and_the_call()
    {
        await using var nodes = new TestNodes();
        var (a, b) = await CallTests.PairAsync(nodes);
        var replied = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var bad = b.RegisterReceiver("bad", m => _ = Task.Run(async () => replied.TrySetResult(await Record.ExceptionAsync(() => m.ReplyAsync(new NotSerializableNote()).AsTask()))));

        var failed = await Assert.ThrowsAsync<CallHandlerException>(() => a.CallAsync<object>(b.Name, PartisanTarget.Named("bad"), new Note("q"), timeout: Long).WaitAsync(TestNodes.Timeout));

        Assert.Equal(typeof(MessageSerializationException).FullName, failed.RemoteType);
        Assert.IsType<MessageSerializationException>(await replied.Task.WaitAsync(TestNodes.Timeout));
    }

    [Fact]
    public async Task A_call_fails_with_nodedown_when_the_callee_goes_down_before_it_replies()
    {
        using var counters = new CallCounters();
        await using var nodes = new TestNodes();
        var (a, b) = await CallTests.PairAsync(nodes);
        using var box = b.CreateMailbox();

        var call = a.CallAsync<Note>(b.Name, box.Self, new Note("are you there?"), timeout: Long);
        using var wait = new CancellationTokenSource(TestNodes.Timeout);
        await box.ReceiveAsync(wait.Token);
        await b.DisposeAsync();

        var down = await Assert.ThrowsAsync<CallNodeDownException>(() => call.WaitAsync(TestNodes.Timeout));
        Assert.Equal(b.Name, down.Node);
        Assert.Equal(1, counters.Failed("node-down"));
    }

    [Fact]
    public async Task A_call_waiting_when_its_own_node_stops_fails()
    {
        using var counters = new CallCounters();
        await using var nodes = new TestNodes();
        var (a, b) = await CallTests.PairAsync(nodes);
        using var box = b.CreateMailbox();

        var call = a.CallAsync<Note>(b.Name, box.Self, new Note("anyone?"), timeout: Long);
        using var wait = new CancellationTokenSource(TestNodes.Timeout);
        await box.ReceiveAsync(wait.Token);
        await a.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => call.WaitAsync(TestNodes.Timeout));
        Assert.Equal(1, counters.Failed("disposed"));
    }

    [Fact]
    public async Task Arguments_and_send_errors_are_checked_before_a_call_waits()
    {
        using var counters = new CallCounters();
        await using var nodes = new TestNodes();
        var (a, b) = await CallTests.PairAsync(nodes);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => a.CallAsync<Note>(b.Name, PartisanTarget.Named("x"), new Note("?"), timeout: TimeSpan.Zero));
        await Assert.ThrowsAsync<UnknownChannelException>(() => a.CallAsync<Note>(b.Name, PartisanTarget.Named("x"), new Note("?"), new ForwardOptions { Channel = "nope" }));
        await Assert.ThrowsAsync<UnknownNodeException>(() => a.CallAsync<Note>(new NodeName("stranger"), PartisanTarget.Named("x"), new Note("?")));
        await Assert.ThrowsAsync<MessageSerializationException>(() => a.CallAsync<Note>(b.Name, PartisanTarget.Named("x"), new NotSerializableNote()));

        Assert.Equal(3, counters.Failed("send-failed"));
    }
}

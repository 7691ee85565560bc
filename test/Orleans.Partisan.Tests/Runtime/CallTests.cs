using Microsoft.Extensions.DependencyInjection;
using Orleans.Partisan.Runtime;
using Orleans.Partisan.Transport;
using Orleans.Serialization;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>Request-reply (<see cref="IPartisan.CallAsync{TResponse}"/>) between real nodes on loopback: the answers.</summary>
[Collection("Runtime")]
public sealed class CallTests
{
    [Fact]
    public async Task A_named_receiver_answers_a_call_and_sees_it_as_a_call()
    {
        await using var nodes = new TestNodes();
        var (a, b) = await PairAsync(nodes);
        var seen = new TaskCompletionSource<ReceivedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var echo = b.RegisterReceiver("echo", m =>
        {
            seen.TrySetResult(m);
            _ = m.ReplyAsync(new Note("re: " + ((Note)m.Message).Text)).AsTask();
        });

        var reply = await a.CallAsync<Note>(b.Name, PartisanTarget.Named("echo"), new Note("hi"), new ForwardOptions { Channel = "bulk" }).WaitAsync(TestNodes.Timeout);

        Assert.Equal("re: hi", reply.Text);
        var request = await seen.Task;
        Assert.True(request.IsCall);
        Assert.False(request.IsCast);
        Assert.Equal((a.Name, "bulk", "hi"), (request.From, request.Channel, ((Note)request.Message).Text));
        Assert.Equal(a.Name, request.CallRef!.Value.Node);
    }

    [Fact]
    public async Task A_mailbox_answers_a_call_later_through_the_message_it_took()
    {
        await using var nodes = new TestNodes();
        var (a, b) = await PairAsync(nodes);
        using var box = b.CreateMailbox();

        var call = a.CallAsync<Note>(b.Name, box.Self, new Note("question"));
        using var timeout = new CancellationTokenSource(TestNodes.Timeout);
        var request = await box.ReceiveAsync(timeout.Token);
        Assert.True(request.IsCall);
        Assert.False(call.IsCompleted);
        await request.ReplyAsync(new Note("answer"));

        Assert.Equal("answer", (await call.WaitAsync(TestNodes.Timeout)).Text);
    }

    [Fact]
    public async Task A_call_to_a_target_on_this_node_is_answered_directly()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        using var echo = a.RegisterReceiver("echo", m => _ = m.ReplyAsync(m.Message).AsTask());

        Assert.Equal("self", (await a.CallAsync<Note>(a.Name, PartisanTarget.Named("echo"), new Note("self")).WaitAsync(TestNodes.Timeout)).Text);
    }

    [Fact]
    public async Task Each_reply_goes_to_its_own_call_and_to_nothing_else_on_the_caller()
    {
        using var undeliverable = new UndeliverableCounter();
        await using var nodes = new TestNodes();
        var (a, b) = await PairAsync(nodes);
        using var callerBox = a.CreateMailbox();
        var callerReceiver = new List<ReceivedMessage>();
        using var lookalike = a.RegisterReceiver("echo", m => { lock (callerReceiver) { callerReceiver.Add(m); } });
        using var echo = b.RegisterReceiver("echo", m => _ = m.ReplyAsync(new Note("re: " + ((Note)m.Message).Text)).AsTask());

        // Replies come back in whatever order the lanes deliver them; each completes only its own call.
        var calls = Enumerable.Range(0, 20).Select(i => a.CallAsync<Note>(b.Name, PartisanTarget.Named("echo"), new Note($"q{i}"), new ForwardOptions { Channel = "bulk" })).ToList();
        var replies = await Task.WhenAll(calls).WaitAsync(TestNodes.Timeout);

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"re: q{i}"), replies.Select(r => r.Text));
        Assert.False(callerBox.TryReceive(out _));
        lock (callerReceiver)
        {
            Assert.Empty(callerReceiver);
        }

        Assert.Equal(0, undeliverable["unknown-target"]);
    }

    [Fact]
    public async Task A_call_is_answered_once_and_a_forwarded_message_cannot_be_answered()
    {
        await using var nodes = new TestNodes();
        var (a, b) = await PairAsync(nodes);
        var second = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var forwarded = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var twice = b.RegisterReceiver("twice", m =>
        {
            if (!m.IsCall)
            {
                forwarded.TrySetResult(Record.Exception(() => m.ReplyAsync(new Note("to whom?"))));
                return;
            }

            _ = m.ReplyAsync(new Note("first")).AsTask();
            second.TrySetResult(Record.Exception(() => m.ReplyAsync(new Note("second"))));
        });

        Assert.Equal("first", (await a.CallAsync<Note>(b.Name, PartisanTarget.Named("twice"), new Note("q")).WaitAsync(TestNodes.Timeout)).Text);
        var refused = Assert.IsType<InvalidOperationException>(await second.Task.WaitAsync(TestNodes.Timeout));
        Assert.Contains("answered already", refused.Message);

        await a.ForwardMessageAsync(b.Name, PartisanTarget.Named("twice"), new Note("not a call"));
        var notCall = Assert.IsType<InvalidOperationException>(await forwarded.Task.WaitAsync(TestNodes.Timeout));
        Assert.Contains("not sent with CallAsync", notCall.Message);
    }

    [Fact]
    public async Task A_transitive_call_and_its_reply_are_relayed_when_caller_and_callee_have_no_connection()
    {
        var relayed = new RelayRecorder();
        await using var nodes = new TestNodes();
        var (a, _, c) = await TriangleAsync(nodes, relayed);
        using var echo = c.RegisterReceiver("echo", m => _ = m.ReplyAsync(new Note("re: " + ((Note)m.Message).Text)).AsTask());

        // Cut a-c both ways, and wait until a's subscribers heard of it (the call below starts with c down).
        var cDown = DownHeard(a, c.Name);
        await a.DisconnectNodeAsync(c.Name);
        await c.DisconnectNodeAsync(a.Name);
        await cDown.WaitAsync(TestNodes.Timeout);
        Assert.False(a.IsConnected(c.Name));
        Assert.False(c.IsConnected(a.Name));

        var reply = await a.CallAsync<Note>(c.Name, PartisanTarget.Named("echo"), new Note("far"), new ForwardOptions { Transitive = true }, TimeSpan.FromSeconds(60)).WaitAsync(TestNodes.Timeout);

        Assert.Equal("re: far", reply.Text);
        Assert.True(relayed.Requests >= 1, "the request went through b");
        Assert.True(relayed.Replies >= 1, "the reply went through b");
    }

    [Fact]
    public async Task A_nodedown_before_a_call_started_does_not_fail_it_however_late_the_subscribers_hear_of_it()
    {
        await using var nodes = new TestNodes();
        var (a, _, c) = await TriangleAsync(nodes);
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var replyNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var echo = c.RegisterReceiver("echo", m =>
        {
            asked.TrySetResult();
            _ = replyNow.Task.ContinueWith(_ => m.ReplyAsync(new Note("re: " + ((Note)m.Message).Text)).AsTask(), TaskScheduler.Default);
        });

        // a's subscriber loop is held up (a callback that blocks, as a slow one would), so c's nodedown reaches the
        // subscribers only after the call below has started.
        using var gate = new ManualResetEventSlim();
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.MonitorNode(new NodeName("nowhere@127.0.0.1:1"), true, NodeEventSubscriber.Callback(_ =>
        {
            holding.TrySetResult();
            gate.Wait(TestNodes.Timeout);
        }));
        await holding.Task.WaitAsync(TestNodes.Timeout);
        var cDownHeard = DownHeard(a, c.Name);

        await a.DisconnectNodeAsync(c.Name);
        await c.DisconnectNodeAsync(a.Name);
        var call = a.CallAsync<Note>(c.Name, PartisanTarget.Named("echo"), new Note("after"), new ForwardOptions { Transitive = true }, TimeSpan.FromSeconds(60));
        await asked.Task.WaitAsync(TestNodes.Timeout);
        gate.Set();
        await cDownHeard.WaitAsync(TestNodes.Timeout);
        Assert.False(call.IsCompleted, $"the call waits for its reply once the subscribers heard of c's nodedown; it ended {call.Status}: {call.Exception?.InnerException?.Message}");

        replyNow.SetResult();
        Assert.Equal("re: after", (await call.WaitAsync(TestNodes.Timeout)).Text);
    }

    [Fact]
    public void A_serialized_copy_of_a_call_keeps_its_reference_but_cannot_reply_and_equality_ignores_the_way_back()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var call = new PartisanRef(new NodeName("caller"), 7);
        var delivered = new ReceivedMessage(new NodeName("caller"), "default", new Note("q"), false) { CallRef = call, Replier = new NeverReplier() };

        var copy = serializer.Deserialize<ReceivedMessage>(serializer.SerializeToArray(delivered))!;

        Assert.Equal(call, copy.CallRef);
        Assert.True(copy.IsCall);
        Assert.Equal(delivered, copy);
        Assert.Equal(delivered.GetHashCode(), copy.GetHashCode());
        var refused = Assert.Throws<InvalidOperationException>(() => copy.ReplyAsync(new Note("a")));
        Assert.Contains("cannot reply", refused.Message);
        Assert.NotEqual(delivered, delivered with { CallRef = null });
    }

    /// <summary>Three nodes, each connected to the others; <paramref name="onB"/> sees what b relays.</summary>
    private static async Task<(PartisanNode A, PartisanNode B, PartisanNode C)> TriangleAsync(TestNodes nodes, IPartisanInterposer? onB = null)
    {
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync(interposer: onB);
        var c = await nodes.StartAsync();
        await b.JoinAsync(a.Spec);
        await c.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => nodes.Nodes.All(n => nodes.Nodes.All(m => m == n || n.IsFullyConnected(m.Name))), () => "a triangle");
        return (a, b, c);
    }

    /// <summary>Completes once <paramref name="node"/>'s node-event subscribers have heard of <paramref name="down"/>'s nodedown.</summary>
    private static Task DownHeard(PartisanNode node, NodeName down)
    {
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.MonitorNodes(true, NodeEventSubscriber.Callback(e =>
        {
            if (e.Kind == NodeEventKind.Down && e.Node == down)
            {
                heard.TrySetResult();
            }
        }));
        return heard.Task;
    }

    internal static async Task<(PartisanNode A, PartisanNode B)> PairAsync(TestNodes nodes)
    {
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync();
        await b.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => a.IsFullyConnected(b.Name) && b.IsFullyConnected(a.Name), () => "a pair fully connected");
        return (a, b);
    }

    private sealed class NeverReplier : ICallReplier
    {
        public ValueTask ReplyAsync(object? response, CancellationToken cancellationToken) => throw new InvalidOperationException("not expected to reply");
    }

    /// <summary>Sees, on the relaying node, relayed call requests and replies.</summary>
    private sealed class RelayRecorder : IPartisanInterposer
    {
        private int _requests;
        private int _replies;

        public int Requests => Volatile.Read(ref _requests);

        public int Replies => Volatile.Read(ref _replies);

        public InterposerDecision OnSend(in InterposedMessage message) => InterposerDecision.Deliver;

        public InterposerDecision OnReceive(in InterposedMessage message)
        {
            if (message.Message is RelayEnvelope relay)
            {
                if (relay.Forward.Call.IsCall)
                {
                    Interlocked.Increment(ref _requests);
                }
                else if (relay.Forward.Target is CallAnswerTarget)
                {
                    Interlocked.Increment(ref _replies);
                }
            }

            return InterposerDecision.Deliver;
        }
    }
}

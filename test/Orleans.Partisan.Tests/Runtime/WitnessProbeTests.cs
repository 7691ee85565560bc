using Orleans.Partisan.Runtime;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>The failure detector's witnesses, asked over the overlay, over real loopback sockets.</summary>
[Collection("Runtime")]
public sealed class WitnessProbeTests
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_witness_answers_whether_it_reaches_a_node_with_a_fresh_dial()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        var witness = await nodes.StartAsync();
        var suspect = await nodes.StartAsync();
        await witness.JoinAsync(a.Spec);
        await suspect.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(
            () => new[] { a, witness, suspect }.All(n => new[] { a, witness, suspect }.All(m => m == n || n.IsFullyConnected(m.Name))),
            () => "three nodes fully connected");
        var suspectSpec = suspect.Spec;

        using var timeout = new CancellationTokenSource(TestNodes.Timeout);
        Assert.True(await a.AskWitnessAsync(witness.Name, suspectSpec, ProbeTimeout, timeout.Token), "the witness should reach a live node");

        // The suspect's listener closes: the witness's fresh dial is refused, though the question still travels.
        await suspect.DisposeAsync();
        Assert.False(await a.AskWitnessAsync(witness.Name, suspectSpec, ProbeTimeout, timeout.Token), "the witness should not reach a stopped node");
    }

    [Fact]
    public async Task Asking_a_node_that_is_not_a_member_fails_at_once_and_an_unanswered_question_ends_with_the_caller()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        var stranger = await nodes.StartAsync();

        await Assert.ThrowsAnyAsync<PartisanException>(() => a.AskWitnessAsync(stranger.Name, stranger.Spec, ProbeTimeout, CancellationToken.None));

        // A member whose answers are lost: the wait ends when the caller gives up.
        var dropAnswers = new DropAnswers();
        var silent = await nodes.StartAsync(interposer: dropAnswers);
        await silent.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => a.IsFullyConnected(silent.Name), () => "a connected to the silent node");
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.AskWitnessAsync(silent.Name, stranger.Spec, ProbeTimeout, giveUp.Token));
        Assert.True(dropAnswers.Dropped > 0, "the silent node should have answered (and lost the answer)");
    }

    /// <summary>Loses every witness answer the node sends.</summary>
    private sealed class DropAnswers : IPartisanInterposer
    {
        private int _dropped;

        public int Dropped => Volatile.Read(ref _dropped);

        public InterposerDecision OnSend(in InterposedMessage message)
        {
            if (message.Message is ForwardEnvelope { Message: WitnessAnswer })
            {
                Interlocked.Increment(ref _dropped);
                return InterposerDecision.Drop;
            }

            return InterposerDecision.Deliver;
        }

        public InterposerDecision OnReceive(in InterposedMessage message) => InterposerDecision.Deliver;
    }

    [Fact]
    public async Task The_witness_receiver_name_is_taken_on_every_node()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        var error = Assert.Throws<InvalidOperationException>(() => a.RegisterReceiver(WitnessProbe.ReceiverName, _ => { }));
        Assert.Contains(WitnessProbe.ReceiverName, error.Message, StringComparison.Ordinal);
    }
}

using System.Buffers;
using Orleans.Partisan.Tests.Transport;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>
/// An acknowledged forward as an inbound connection hands it over (<see cref="WireCodec.Receive"/>, then
/// <see cref="ITransportEvents.OnTrackedMessage"/>): read into the <see cref="ReceivedMessage"/> its receiver gets and
/// delivered as it is, once, in its order key's order, whether its copies come that way or in an envelope (relayed).
/// </summary>
[Collection("Runtime")]
public sealed class TrackedReceivePathTests
{
    private static readonly NodeName Peer = new("peer");

    [Fact]
    public async Task Tracked_frames_are_delivered_as_decoded_once_each_in_key_order_whichever_way_their_copies_come()
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync();
        var delivered = new List<ReceivedMessage>();
        using var sink = node.RegisterReceiver("sink", delivered.Add);
        var connection = new Connection();
        ITransportEvents events = node;

        // 1 and 2 in order; a second copy of 2; 4 whose key's predecessor 3 has not come (held), then 3 (which releases it).
        var one = connection.Arrive(events, 1, predecessor: 0);
        var two = connection.Arrive(events, 2, predecessor: 1);
        connection.Arrive(events, 2, predecessor: 1);
        var four = connection.Arrive(events, 4, predecessor: 3);
        Assert.Equal(2, delivered.Count);
        Assert.Same(one, delivered[0]);
        Assert.Same(two, delivered[1]);
        var three = connection.Arrive(events, 3, predecessor: 2);

        // A relayed copy of 3 comes in an envelope: a duplicate. A new number that way is delivered, after the others.
        events.OnMessage(Peer, PartisanChannels.Default, Envelope(3, predecessor: 2));
        events.OnMessage(Peer, PartisanChannels.Default, Envelope(5, predecessor: 4));

        // The decoded messages themselves, not copies: no second object per delivered message.
        Assert.Equal([1, 2, 3, 4, 5], delivered.Select(m => ((Numbered)m.Message).Key));
        Assert.Same(three, delivered[2]);
        Assert.Same(four, delivered[3]);
        Assert.Equal((Peer, PartisanChannels.Default, false), (delivered[4].From, delivered[4].Channel, delivered[4].IsCast));
    }

    [Fact]
    public async Task A_tracked_frame_of_an_older_session_is_not_delivered_and_one_of_a_newer_session_starts_afresh()
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync();
        var delivered = new List<int>();
        using var sink = node.RegisterReceiver("sink", m => delivered.Add(((Numbered)m.Message).Key));
        var connection = new Connection();
        ITransportEvents events = node;

        connection.Arrive(events, 1, predecessor: 0, session: 2);
        connection.Arrive(events, 2, predecessor: 1, session: 2);
        connection.Arrive(events, 3, predecessor: 2, session: 1);
        connection.Arrive(events, 1, predecessor: 0, session: 3);

        Assert.Equal([1, 2, 1], delivered);
    }

    [Fact]
    public async Task Over_a_connection_an_interposer_sees_an_acknowledged_message_in_its_envelope_and_it_is_delivered_once()
    {
        await using var nodes = new TestNodes();
        var seen = new ReceivedHeaders();
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync(interposer: seen);
        await b.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => a.IsFullyConnected(b.Name) && b.IsFullyConnected(a.Name), () => "a and b connected");
        var inbox = new Inbox();
        using var receiver = b.RegisterReceiver("inbox", inbox.Add);

        foreach (var text in new[] { "one", "two", "three" })
        {
            await a.ForwardMessageAsync(b.Name, PartisanTarget.Named("inbox"), new Note(text), new ForwardOptions { Ack = true, PartitionKey = 1 }).AsTask().WaitAsync(TestNodes.Timeout);
        }

        Assert.Equal(["one", "two", "three"], inbox.Texts);
        Assert.Equal([1L, 2, 3], seen.Sequences.Distinct());
    }

    private static ForwardEnvelope Envelope(long sequence, long predecessor, long session = 1)
        => ForwardEnvelope.Create(PartisanTarget.Named("sink"), new Numbered((int)sequence, (int)session), isCast: false, delivery: new DeliveryHeader(session, sequence, predecessor, Base: 1));

    /// <summary>Records the numbers of the acknowledged messages a node receives, as its interposer sees them.</summary>
    private sealed class ReceivedHeaders : IPartisanInterposer
    {
        private readonly List<long> _sequences = [];

        public List<long> Sequences
        {
            get
            {
                lock (_sequences)
                {
                    return [.. _sequences];
                }
            }
        }

        public InterposerDecision OnSend(in InterposedMessage message) => InterposerDecision.Deliver;

        public InterposerDecision OnReceive(in InterposedMessage message)
        {
            if (message.Message is ForwardEnvelope { Delivery.IsTracked: true } acked)
            {
                lock (_sequences)
                {
                    _sequences.Add(acked.Delivery.Sequence);
                }
            }

            return InterposerDecision.Deliver;
        }
    }

    /// <summary>One connection's tables; each frame is encoded, decoded as the connection does, and handed to the node.</summary>
    private sealed class Connection
    {
        private readonly SentTypeTable _sent = new(TestSupport.Codec.TypeConverter);
        private readonly ReceivedTypeTable _types = new();
        private readonly ReceivedTargetCache _targets = new();

        public ReceivedMessage Arrive(ITransportEvents events, long sequence, long predecessor, long session = 1)
        {
            var frame = FrameCodec.Encode(TestSupport.Codec, Envelope(sequence, predecessor, session), 1 << 20, types: _sent);
            try
            {
                frame.Announces?.MarkAnnounced();
                var body = new ReadOnlySequence<byte>(frame.Buffer, FrameCodec.PrefixSize, frame.BodyLength);
                var received = Assert.IsType<ReceivedMessage>(TestSupport.Codec.Receive(body, _types, _targets, Peer, PartisanChannels.Default, out var tracked));
                Assert.Equal(new DeliveryHeader(session, sequence, predecessor, 1), tracked);
                events.OnTrackedMessage(received, tracked);
                return received;
            }
            finally
            {
                frame.Return();
            }
        }
    }
}

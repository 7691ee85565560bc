using System.Buffers;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Transport;

/// <summary><see cref="WireCodec.Receive"/>: frames as an inbound connection reads them.</summary>
public sealed class WireCodecReceiveTests
{
    private static readonly NodeName Peer = new("peer");

    [Fact]
    public void A_forward_that_is_no_call_is_read_into_the_received_message_with_its_target_and_every_other_forward_into_an_envelope()
    {
        PartisanTarget[] targets = [PartisanTarget.Named("sink"), new ProcessRef(new NodeName("n1"), 42), PartisanTarget.Grain(GrainId.Create("test", "key"))];
        var connection = new Connection();
        foreach (var target in targets)
        {
            foreach (var cast in new[] { false, true })
            {
                var received = Assert.IsType<ReceivedMessage>(connection.Receive(new ForwardEnvelope(target, new Numbered(3, 4), cast)));
                Assert.Equal((Peer, "bulk", (object)new Numbered(3, 4), cast, target), (received.From, received.Channel, received.Message, received.IsCast, received.Target));
                Assert.False(received.IsCall);
            }
        }

        var request = Assert.IsType<HeadedForwardEnvelope>(connection.Receive(ForwardEnvelope.Create(PartisanTarget.Named("echo"), "q", isCast: false, new CallHeader(7, Transitive: false))));
        Assert.Equal(7, request.Call.Id);
        Assert.Equal(default, connection.LastTracked);
        var acked = Assert.IsType<ReceivedMessage>(connection.Receive(ForwardEnvelope.Create(PartisanTarget.Named("sink"), "a", isCast: true, delivery: new DeliveryHeader(1, 2, 1, 0))));
        Assert.Equal((Peer, "bulk", (object)"a", true, PartisanTarget.Named("sink")), (acked.From, acked.Channel, acked.Message, acked.IsCast, acked.Target));
        Assert.Equal(new DeliveryHeader(1, 2, 1, 0), connection.LastTracked);
        var both = Assert.IsType<HeadedForwardEnvelope>(connection.Receive(ForwardEnvelope.Create(PartisanTarget.Named("echo"), "b", isCast: false, new CallHeader(8, Transitive: false), new DeliveryHeader(1, 3, 0, 0))));
        Assert.Equal((8L, 3L), (both.Call.Id, both.Delivery.Sequence));
        Assert.Equal(default, connection.LastTracked);
        var answer = Assert.IsType<ForwardEnvelope>(connection.Receive(new ForwardEnvelope(new CallAnswerTarget(7, IsFailure: false), "r", isCast: false)), exactMatch: true);
        Assert.Equal(new CallAnswerTarget(7, IsFailure: false), answer.Target);
    }

    [Fact]
    public void An_acknowledged_forward_read_outside_a_connection_or_put_back_in_an_envelope_keeps_its_numbers()
    {
        var header = new DeliveryHeader(4, 9, 7, 2);
        var envelope = ForwardEnvelope.Create(new ProcessRef(new NodeName("n1"), 3), new Numbered(1, 2), isCast: false, delivery: header);
        var frame = FrameCodec.Encode(TestSupport.Codec, envelope, 1 << 20);
        try
        {
            var read = Assert.IsType<HeadedForwardEnvelope>(TestSupport.Codec.Read(new ReadOnlySequence<byte>(frame.Buffer, FrameCodec.PrefixSize, frame.BodyLength), types: null));
            Assert.Equal((envelope.Target, (object?)new Numbered(1, 2), header), (read.Target, read.Message, read.Delivery));
        }
        finally
        {
            frame.Return();
        }

        var received = Assert.IsType<ReceivedMessage>(new Connection().Receive(envelope));
        var back = WireCodec.Envelope(received, header);
        Assert.Equal((envelope.Target, (object?)new Numbered(1, 2), false, header, default(CallHeader)), (back.Target, back.Message, back.IsCast, back.Delivery, back.Call));
    }

    [Fact]
    public void A_connection_decodes_a_repeated_mailbox_or_grain_target_once_and_a_different_one_afresh()
    {
        var connection = new Connection();
        var first = new ProcessRef(new NodeName("n1"), 1);
        var second = new ProcessRef(new NodeName("n1"), 2);
        var grain = PartisanTarget.Grain(GrainId.Create("test", "key"));

        var a = Target(connection.Receive(new ForwardEnvelope(first, "1", isCast: false)));
        var b = Target(connection.Receive(new ForwardEnvelope(first, "2", isCast: true)));
        Assert.Equal(first, a);
        Assert.Same(a, b);

        // Another target, then the first again: never a stale one, whatever came between.
        Assert.Equal(second, Target(connection.Receive(new ForwardEnvelope(second, "3", isCast: false))));
        Assert.Equal(PartisanTarget.Named("sink"), Target(connection.Receive(new ForwardEnvelope(PartisanTarget.Named("sink"), "4", isCast: false))));
        Assert.Equal(second, Target(connection.Receive(new ForwardEnvelope(second, "5", isCast: false))));
        Assert.Equal(first, Target(connection.Receive(new ForwardEnvelope(first, "6", isCast: false))));
        var g1 = Target(connection.Receive(new ForwardEnvelope(grain, "7", isCast: false)));
        var g2 = Target(connection.Receive(ForwardEnvelope.Create(grain, "8", isCast: false, new CallHeader(3, Transitive: false))));
        Assert.Equal(grain, g1);
        Assert.Same(g1, g2);

        // Each connection keeps its own.
        Assert.NotSame(a, Target(new Connection().Receive(new ForwardEnvelope(first, "9", isCast: false))));
    }

    [Fact]
    public void A_target_whose_bytes_differ_from_the_cached_one_only_past_the_start_is_decoded_afresh()
    {
        // Node names of equal length that share a prefix: the encodings differ in the last bytes only.
        var connection = new Connection();
        var names = new[] { "node-aaaa", "node-aaab", "node-aaaa" };
        foreach (var name in names)
        {
            var target = new ProcessRef(new NodeName(name), 5);
            Assert.Equal(target, Target(connection.Receive(new ForwardEnvelope(target, "m", isCast: false))));
        }
    }

    private static PartisanTarget Target(object received) => received switch
    {
        ReceivedMessage message => message.Target!,
        ForwardEnvelope envelope => envelope.Target,
        _ => throw new InvalidOperationException($"unexpected {received.GetType()}"),
    };

    /// <summary>The sending and receiving tables of one connection; frames are decoded in the order they are encoded.</summary>
    private sealed class Connection
    {
        private readonly SentTypeTable _sent = new(TestSupport.Codec.TypeConverter);
        private readonly ReceivedTypeTable _types = new();
        private readonly ReceivedTargetCache _targets = new();

        /// <summary>The numbers the last frame came with.</summary>
        public DeliveryHeader LastTracked { get; private set; }

        public object Receive(ForwardEnvelope envelope)
        {
            var frame = FrameCodec.Encode(TestSupport.Codec, envelope, 1 << 20, types: _sent);
            try
            {
                frame.Announces?.MarkAnnounced();
                var message = TestSupport.Codec.Receive(new ReadOnlySequence<byte>(frame.Buffer, FrameCodec.PrefixSize, frame.BodyLength), _types, _targets, Peer, "bulk", out var tracked);
                LastTracked = tracked;
                return message;
            }
            finally
            {
                frame.Return();
            }
        }
    }
}

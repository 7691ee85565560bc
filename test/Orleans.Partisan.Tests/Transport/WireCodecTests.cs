using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Transport;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Session;

namespace Orleans.Partisan.Tests.Transport;

public sealed class WireCodecTests
{
    [Fact]
    public void A_forwarded_message_keeps_its_target_message_and_cast_flag_for_every_kind_of_target()
    {
        PartisanTarget[] targets =
        [
            PartisanTarget.Named("sink"),
            PartisanTarget.Named("ünïcødé ✓"),
            PartisanTarget.Named(new string('n', TargetNameCache.MaxNameBytes + 1)),
            new ProcessRef(new NodeName("n1"), 42),
            PartisanTarget.Grain(GrainId.Create("test", "key")),
        ];
        foreach (var target in targets)
        {
            foreach (var cast in new[] { false, true })
            {
                var decoded = RoundTrip(new ForwardEnvelope(target, new Numbered(3, 4), cast), new SentTypeTable(TestSupport.Codec.TypeConverter), new ReceivedTypeTable());
                Assert.Equal(target, decoded.Target);
                Assert.Equal(new Numbered(3, 4), decoded.Message);
                Assert.Equal(cast, decoded.IsCast);
            }
        }
    }

    [Fact]
    public void A_type_is_named_until_the_writer_takes_a_frame_that_names_it_and_numbered_after()
    {
        var sent = new SentTypeTable(TestSupport.Codec.TypeConverter);
        var received = new ReceivedTypeTable();
        var message = new ForwardEnvelope(PartisanTarget.Named("sink"), new Numbered(1, 1), isCast: false);

        var first = FrameCodec.Encode(TestSupport.Codec, message, 1024, types: sent);
        var second = FrameCodec.Encode(TestSupport.Codec, message, 1024, types: sent);
        Assert.NotNull(first.Announces);
        Assert.Same(first.Announces, second.Announces);
        Assert.Equal(first.Length, second.Length);

        // The writer took the first frame: later frames carry only the number.
        first.Announces!.MarkAnnounced();
        var third = FrameCodec.Encode(TestSupport.Codec, message, 1024, types: sent);
        Assert.Null(third.Announces);
        Assert.Same(sent, third.EncodedFor);
        Assert.True(third.Length < first.Length - 10, $"a numbered frame ({third.Length} B) should be shorter than a named one ({first.Length} B)");

        // A receiver that has not read a frame naming the type cannot decode a numbered one.
        var unknown = Assert.Throws<InvalidDataException>(() => Decode(third, new ReceivedTypeTable()));
        Assert.Contains("#0", unknown.Message, StringComparison.Ordinal);

        // In order, every frame decodes.
        foreach (var frame in new[] { first, second, third })
        {
            Assert.Equal(new Numbered(1, 1), Decode(frame, received).Message);
            frame.Return();
        }
    }

    [Fact]
    public void Messages_that_are_not_forwarded_and_frames_without_a_table_describe_themselves()
    {
        var plain = FrameCodec.Encode(TestSupport.Codec, new Numbered(5, 6), 1024, types: new SentTypeTable(TestSupport.Codec.TypeConverter));
        Assert.Null(plain.EncodedFor);
        Assert.Equal(new Numbered(5, 6), FrameCodec.Decode(TestSupport.Codec, Body(plain)));

        var forward = FrameCodec.Encode(TestSupport.Codec, new ForwardEnvelope(PartisanTarget.Named("x"), "text", isCast: false), 1024);
        Assert.Null(forward.EncodedFor);
        Assert.Equal("text", Decode(forward, received: null).Message);
    }

    [Fact]
    public void A_connection_numbers_at_most_MaxTypes_types_and_sends_any_further_type_whole()
    {
        var sent = new SentTypeTable(TestSupport.Codec.TypeConverter);
        Type[] bases =
        [
            typeof(int), typeof(long), typeof(short), typeof(byte), typeof(sbyte), typeof(uint), typeof(ulong), typeof(ushort),
            typeof(string), typeof(char), typeof(bool), typeof(float), typeof(double), typeof(decimal), typeof(Guid), typeof(DateTime),
            typeof(TimeSpan), typeof(DateTimeOffset), typeof(object), typeof(Half), typeof(Int128), typeof(UInt128), typeof(byte[]), typeof(int[]),
            typeof(long[]), typeof(string[]), typeof(Numbered), typeof(Envelope), typeof(Blob), typeof(DateOnly), typeof(TimeOnly), typeof(List<int>),
        ];
        var numbered = bases.SelectMany(k => bases.Select(v => typeof(KeyValuePair<,>).MakeGenericType(k, v))).ToArray();
        Assert.Equal(SentTypeTable.MaxTypes, numbered.Length);
        for (var i = 0; i < numbered.Length; i++)
        {
            Assert.Equal((uint)i, sent.Get(numbered[i])!.Id);
        }

        Assert.Null(sent.Get(typeof(Numbered)));
        var frame = FrameCodec.Encode(TestSupport.Codec, new ForwardEnvelope(PartisanTarget.Named("x"), new Numbered(1, 2), isCast: false), 1024, types: sent);
        Assert.Null(frame.EncodedFor);
        Assert.Equal(new Numbered(1, 2), Decode(frame, new ReceivedTypeTable()).Message);
    }

    [Fact]
    public void A_call_travels_as_its_request_with_a_call_header_and_its_answer_as_the_reply_to_its_number()
    {
        var sent = new SentTypeTable(TestSupport.Codec.TypeConverter);
        var received = new ReceivedTypeTable();
        foreach (var transitive in new[] { false, true })
        {
            var request = RoundTrip(ForwardEnvelope.Create(PartisanTarget.Named("echo"), new Numbered(1, 2), isCast: false, new CallHeader(long.MaxValue, transitive)), sent, received);
            Assert.Equal((PartisanTarget.Named("echo"), (object?)new Numbered(1, 2), new CallHeader(long.MaxValue, transitive)), (request.Target, request.Message, request.Call));
        }

        var reply = RoundTrip(new ForwardEnvelope(new CallAnswerTarget(7, IsFailure: false), new Numbered(3, 4), isCast: false), sent, received);
        Assert.Equal((new CallAnswerTarget(7, false), (object?)new Numbered(3, 4), default(CallHeader)), (reply.Target, reply.Message, reply.Call));
        var nothing = RoundTrip(new ForwardEnvelope(new CallAnswerTarget(8, IsFailure: false), null, isCast: false), sent, received);
        Assert.Equal(new CallAnswerTarget(8, false), nothing.Target);
        Assert.Null(nothing.Message);
        var failure = RoundTrip(new ForwardEnvelope(new CallAnswerTarget(9, IsFailure: true), "why", isCast: false), sent, received);
        Assert.Equal((new CallAnswerTarget(9, true), (object?)"why"), (failure.Target, failure.Message));

        // The header is the call's number: a request costs its forward's bytes and a few more, no wrapper.
        var plain = FrameCodec.Encode(TestSupport.Codec, new ForwardEnvelope(PartisanTarget.Named("echo"), new Numbered(1, 2), isCast: false), 1024, types: sent);
        var call = FrameCodec.Encode(TestSupport.Codec, ForwardEnvelope.Create(PartisanTarget.Named("echo"), new Numbered(1, 2), isCast: false, new CallHeader(1000, false)), 1024, types: sent);
        var answer = FrameCodec.Encode(TestSupport.Codec, new ForwardEnvelope(new CallAnswerTarget(1000, false), new Numbered(1, 2), isCast: false), 1024, types: sent);
        Assert.InRange(call.Length - plain.Length, 1, 3);
        Assert.True(answer.Length < plain.Length, $"an answer ({answer.Length} B) carries no target, so it is shorter than a forward to a named target ({plain.Length} B)");
        plain.Return();
        call.Return();
        answer.Return();
    }

    [Fact]
    public void An_acknowledged_message_carries_its_numbers_in_a_delivery_header_with_or_without_a_call()
    {
        var sent = new SentTypeTable(TestSupport.Codec.TypeConverter);
        var received = new ReceivedTypeTable();
        var numbers = new DeliveryHeader(3, long.MaxValue, 41, 40);
        var acked = RoundTrip(ForwardEnvelope.Create(PartisanTarget.Named("sink"), new Numbered(1, 2), isCast: true, delivery: numbers), sent, received);
        Assert.Equal((PartisanTarget.Named("sink"), (object?)new Numbered(1, 2), true, numbers, default(CallHeader)), (acked.Target, acked.Message, acked.IsCast, acked.Delivery, acked.Call));
        var call = RoundTrip(ForwardEnvelope.Create(new ProcessRef(new NodeName("n"), 1), "q", isCast: false, new CallHeader(9, true), numbers), sent, received);
        Assert.Equal((new CallHeader(9, true), numbers), (call.Call, call.Delivery));
        var plain = RoundTrip(new ForwardEnvelope(PartisanTarget.Named("sink"), "p", isCast: false), sent, received);
        Assert.False(plain.Delivery.IsTracked);

        // A plain forward's envelope is the small base type: the headers live in a type of their own.
        Assert.IsType<ForwardEnvelope>(plain, exactMatch: true);
        Assert.IsType<HeadedForwardEnvelope>(acked, exactMatch: true);
    }

    [Fact]
    public void A_relayed_envelope_keeps_the_call_and_delivery_headers_of_the_forward_it_carries()
    {
        // A relay carries its forward inside a message the wire codec does not handle itself; the forward's headers
        // must survive that too, or a call or an acknowledged message relayed over a partial view loses what it is.
        var sent = new SentTypeTable(TestSupport.Codec.TypeConverter);
        var received = new ReceivedTypeTable();
        var numbers = new DeliveryHeader(3, 17, 16, 12);
        ForwardEnvelope[] forwards =
        [
            ForwardEnvelope.Create(PartisanTarget.Named("echo"), new Numbered(1, 2), isCast: false, new CallHeader(41, Transitive: true)),
            ForwardEnvelope.Create(PartisanTarget.Named("sink"), new Numbered(3, 4), isCast: true, delivery: numbers),
            ForwardEnvelope.Create(new ProcessRef(new NodeName("n"), 5), "q", isCast: false, new CallHeader(42, Transitive: true), numbers),
            new(new CallAnswerTarget(43, IsFailure: false), new Numbered(5, 6), isCast: false),
            new(PartisanTarget.Named("plain"), "p", isCast: false),
        ];
        foreach (var forward in forwards)
        {
            var relay = new RelayEnvelope(new PartisanRef(new NodeName("origin"), 9), new NodeName("destination"), 3, forward);
            var frame = FrameCodec.Encode(TestSupport.Codec, relay, 1 << 20, types: sent);
            RelayEnvelope decoded;
            try
            {
                decoded = Assert.IsType<RelayEnvelope>(FrameCodec.Decode(TestSupport.Codec, Body(frame), received));
            }
            finally
            {
                frame.Return();
            }

            Assert.Equal((relay.Id, relay.Destination, relay.HopsLeft), (decoded.Id, decoded.Destination, decoded.HopsLeft));
            var carried = decoded.Forward;
            Assert.Equal(
                (forward.Target, forward.Message, forward.IsCast, forward.Call, forward.Delivery),
                (carried.Target, carried.Message, carried.IsCast, carried.Call, carried.Delivery));
            Assert.IsType(forward.GetType(), carried, exactMatch: true);
        }
    }

    [Fact]
    public void A_relay_frame_is_handed_on_as_bytes_and_names_its_message_type_on_any_connection()
    {
        // The origin's connection has numbered the message's type; the relay frame must not use that number.
        var sent = new SentTypeTable(TestSupport.Codec.TypeConverter);
        var first = FrameCodec.Encode(TestSupport.Codec, new ForwardEnvelope(PartisanTarget.Named("x"), new Numbered(0, 0), isCast: false), 1024, types: sent);
        first.Announces?.MarkAnnounced();
        first.Return();
        var forward = ForwardEnvelope.Create(PartisanTarget.Named("echo"), new Numbered(7, 8), isCast: false, new CallHeader(44, Transitive: true));
        var relay = new RelayEnvelope(new PartisanRef(new NodeName("origin"), 10), new NodeName("destination"), 4, forward);

        // The relaying node reads the header only; it hands the same bytes on with one hop fewer.
        var atRelay = DecodeRelay(relay, sent);
        Assert.False(atRelay.Encoded.IsEmpty);
        Assert.Equal((relay.Id, relay.Destination, 4), (atRelay.Id, atRelay.Destination, atRelay.HopsLeft));
        var next = atRelay.NextHop();
        var atDestination = DecodeRelay(next, types: null);
        Assert.Equal((relay.Id, relay.Destination, 3), (atDestination.Id, atDestination.Destination, atDestination.HopsLeft));
        Assert.True(atRelay.Encoded.Span.SequenceEqual(atDestination.Encoded.Span), "the relayed bytes are copied on unchanged");

        // The destination decodes the message, through no connection's type table.
        var opened = atDestination.Open();
        Assert.Equal((forward.Target, forward.Message, forward.Call), (opened.Target, opened.Message, opened.Call));
        Assert.Same(opened, atDestination.Forward);
    }

    [Theory]
    [InlineData(new byte[] { 3 }, "missing or longer than 32 bits")]
    [InlineData(new byte[] { 3, 0x01 }, "names are 1 to")]
    [InlineData(new byte[] { 3, 0x03, (byte)'o', 0x03, 0x03, (byte)'d', 0x03 }, "does not carry a forward frame")]
    [InlineData(new byte[] { 3, 0x03, (byte)'o', 0x03, 0x03, (byte)'d', 0x03, 0 }, "does not carry a forward frame")]
    [InlineData(new byte[] { 3, 0x03, (byte)'o', 0x03, 0x03, (byte)'d', 0x43, 1 }, "hops left")]
    public void A_malformed_relay_frame_is_refused(byte[] body, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => FrameCodec.Decode(TestSupport.Codec, new ReadOnlySequence<byte>(body), new ReceivedTypeTable()));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_reply_of_a_call_may_be_null()
    {
        foreach (var envelope in new[] { new ForwardEnvelope(PartisanTarget.Named("x"), null, isCast: false), new ForwardEnvelope(new CallAnswerTarget(5, IsFailure: true), null, isCast: false) })
        {
            var frame = FrameCodec.Encode(TestSupport.Codec, envelope, 1024);
            var error = Assert.Throws<InvalidDataException>(() => Decode(frame, null));
            Assert.Contains("only a call's reply may be", error.Message, StringComparison.Ordinal);
            frame.Return();
        }
    }

    [Fact]
    public void Decoding_a_named_target_reuses_one_target_per_name()
    {
        var frame = FrameCodec.Encode(TestSupport.Codec, new ForwardEnvelope(PartisanTarget.Named("reused"), 1, isCast: false), 1024);
        var first = Decode(frame, null).Target;
        var second = Decode(frame, null).Target;
        Assert.Same(first, second);
    }

    public static TheoryData<object[], string> MalformedBodies() => new()
    {
        { [(byte)9], "unknown kind 9" },
        { [(byte)1, (byte)0x80], "inconsistent flags" }, // only a request carries a trace header
        { [(byte)1, (byte)2, 0u], "0 bytes long" },
        { [(byte)1, (byte)2, (uint)TargetNameCache.MaxNameBytes + 1], "names are 1 to" },
        { [(byte)1, (byte)2, 2u, new byte[] { 0xC3, 0x28 }, 0u, Int32Zero], "not valid UTF-8" },
        { [(byte)1, (byte)2, 1u, new byte[] { (byte)'x' }, (uint)(SentTypeTable.MaxTypes + 1) << 1, Int32Zero], "numbers stop at" },
        { [(byte)1, (byte)2, 1u, new byte[] { (byte)'x' }, (3u << 1) | 1, 12u, "No.Such.Type"u8.ToArray(), Int32Zero], "cannot resolve" },
        { [(byte)0, Int32Zero, (byte)7], "1 bytes after its message" },
        { [(byte)0, new byte[] { 0x28, 0x2F }], "ends inside" },
        { [(byte)1, (byte)(16 | 2)], "inconsistent flags" }, // an answer has no target
        { [(byte)1, (byte)(16 | 4)], "inconsistent flags" }, // an answer is no request
        { [(byte)1, (byte)(32 | 2)], "inconsistent flags" }, // a failure is an answer
        { [(byte)1, (byte)(8 | 2)], "inconsistent flags" }, // only a request is transitive
        { [(byte)1, (byte)16, 0ul, 0u, Int32Zero], "names call number 0" },
        { [(byte)1, (byte)(16 | 64)], "inconsistent flags" }, // an answer is never acknowledged
        { [(byte)1, (byte)(16 | 128)], "inconsistent flags" }, // an answer carries no trace header
        { [(byte)1, (byte)(2 | 64), 1u, new byte[] { (byte)'x' }, 0ul, 1ul, 0ul, 1ul, 0u, Int32Zero], "names session 0" },
        { [(byte)1, (byte)(2 | 4), 1u, new byte[] { (byte)'x' }, 0ul, 0u, Int32Zero], "names call number 0" },
    };

    /// <summary>A serialized field holding a var-int zero: field tag 0x00, then Orleans' one-byte var-int 0.</summary>
    internal static readonly byte[] Int32Zero = [0x00, 0x01];

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void A_malformed_body_is_a_clear_error(object[] parts, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => FrameCodec.Decode(TestSupport.Codec, new ReadOnlySequence<byte>(Build(parts)), new ReceivedTypeTable()));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_frame_referring_to_a_type_number_the_connection_never_named_closes_only_that_connection()
    {
        await using var a = await TestNode.StartAsync("a");
        await using var b = await TestNode.StartAsync("b");
        b.Transport.Connect(a.Spec);
        await b.WaitFullyConnectedAsync(a);

        await using var raw = await RawDialler.HandshakeAsync(a, name: "raw");

        // Forward kind, named target "x", type number 5 without its name.
        var body = Build([(byte)1, (byte)2, 1u, new byte[] { (byte)'x' }, (5u + 1) << 1, Int32Zero]);
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        await raw.SendAsync(frame);
        await raw.WaitForCloseAsync("the connection that referred to an unnamed type to be closed");
        await TestSupport.WaitUntilAsync(
            () => a.Logger.Count(LogLevel.Warning, "could not be deserialized") == 1,
            "the undecodable frame logged at Warning");

        await b.Transport.SendAsync(a.Name, PartisanChannels.Default, new ForwardEnvelope(PartisanTarget.Named("x"), new Numbered(1, 1), isCast: false), null, null, default);
        await TestSupport.WaitUntilAsync(() => a.Events.Messages.Any(m => m.From == b.Name), "b's forwarded message after the bad frame");
    }

    [Fact]
    public async Task A_delayed_frame_released_onto_a_new_connection_is_encoded_for_that_connection()
    {
        await using var a = await TestNode.StartAsync("a");
        var delay = new DelayKeyOne(TimeSpan.FromSeconds(2));
        await using var b = await TestNode.StartAsync("b", interposer: delay);
        b.Transport.Connect(a.Spec);
        await b.WaitFullyConnectedAsync(a);

        // The first message names its type on the connection; once it has arrived, later frames carry only the number.
        await b.Transport.SendAsync(a.Name, PartisanChannels.Default, Forward(new Numbered(0, 0)), null, null, default);
        await a.Events.WaitForMessagesAsync(1, "the message that names the type");

        // Encoded for this connection (number only), held back, and released after the connection was replaced.
        await b.Transport.SendAsync(a.Name, PartisanChannels.Default, Forward(new Numbered(1, 1)), null, null, default);
        Assert.True(delay.Held, "the second message should be held back");
        b.Transport.Disconnect(a.Name);
        await TestSupport.WaitUntilAsync(() => !b.Transport.IsConnected(a.Name), "b's lanes to a closed");
        b.Transport.Connect(a.Spec);
        await b.WaitFullyConnectedAsync(a);

        await TestSupport.WaitUntilAsync(
            () => a.Events.Messages.Any(m => m.Message is ReceivedMessage { Message: Numbered(1, 1) }),
            "the delayed message, encoded again for the new connection");
        Assert.Equal(0, a.Logger.Count(LogLevel.Warning, "could not be deserialized"));
    }

    private static ForwardEnvelope Forward(object message) => new(PartisanTarget.Named("x"), message, isCast: false);

    /// <summary>Holds back forwarded <see cref="Numbered"/> messages of key 1.</summary>
    private sealed class DelayKeyOne(TimeSpan delay) : IPartisanInterposer
    {
        public bool Held { get; private set; }

        public InterposerDecision OnSend(in InterposedMessage message)
        {
            if (message.Message is ForwardEnvelope { Message: Numbered { Key: 1 } })
            {
                Held = true;
                return InterposerDecision.Delayed(delay);
            }

            return InterposerDecision.Deliver;
        }

        public InterposerDecision OnReceive(in InterposedMessage message) => InterposerDecision.Deliver;
    }

    /// <summary>A body from raw bytes (byte, byte[]) and Orleans varints (uint, ulong).</summary>
    internal static byte[] Build(object[] parts)
    {
        var output = new ArrayBufferWriter<byte>();
        using var session = TestSupport.Services.GetRequiredService<SerializerSessionPool>().GetSession();
        var writer = Writer.Create(output, session);
        foreach (var part in parts)
        {
            switch (part)
            {
                case byte value:
                    writer.WriteByte(value);
                    break;
                case uint value:
                    writer.WriteVarUInt32(value);
                    break;
                case ulong value:
                    writer.WriteVarUInt64(value);
                    break;
                case byte[] value:
                    writer.Write(value);
                    break;
                default:
                    throw new ArgumentException($"Unexpected part {part}.", nameof(parts));
            }
        }

        writer.Commit();
        return output.WrittenSpan.ToArray();
    }

    internal static ForwardEnvelope RoundTrip(ForwardEnvelope envelope, SentTypeTable sent, ReceivedTypeTable received)
    {
        var frame = FrameCodec.Encode(TestSupport.Codec, envelope, 1 << 20, types: sent);
        try
        {
            return Decode(frame, received);
        }
        finally
        {
            frame.Return();
        }
    }

    private static RelayEnvelope DecodeRelay(RelayEnvelope relay, SentTypeTable? types)
    {
        var frame = FrameCodec.Encode(TestSupport.Codec, relay, 1 << 20, types: types);
        try
        {
            return Assert.IsType<RelayEnvelope>(FrameCodec.Decode(TestSupport.Codec, Body(frame), new ReceivedTypeTable()));
        }
        finally
        {
            frame.Return();
        }
    }

    private static ForwardEnvelope Decode(PooledFrame frame, ReceivedTypeTable? received)
        => Assert.IsAssignableFrom<ForwardEnvelope>(FrameCodec.Decode(TestSupport.Codec, Body(frame), received));

    private static ReadOnlySequence<byte> Body(PooledFrame frame) => new(frame.Buffer, FrameCodec.PrefixSize, frame.BodyLength);
}

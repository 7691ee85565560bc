using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Transport;

/// <summary>The trace header of a call's request: carried only when given, checked before anything is decoded.</summary>
public sealed class WireCodecTraceHeaderTests
{
    private const string Parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void A_request_carries_the_callers_trace_context_only_when_it_has_one()
    {
        var sent = new SentTypeTable(TestSupport.Codec.TypeConverter);
        var received = new ReceivedTypeTable();
        foreach (var trace in new[] { new TraceContext(Parent, null), new TraceContext(Parent, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7") })
        {
            var request = WireCodecTests.RoundTrip(ForwardEnvelope.Create(PartisanTarget.Named("echo"), new Numbered(1, 2), isCast: false, new CallHeader(5, false, trace)), sent, received);
            Assert.Equal(new CallHeader(5, false, trace), request.Call);
        }

        // The header costs its own bytes only: a request without a trace is as long as before.
        var plain = FrameCodec.Encode(TestSupport.Codec, ForwardEnvelope.Create(PartisanTarget.Named("echo"), new Numbered(1, 2), isCast: false, new CallHeader(5, false)), 1024, types: sent);
        var traced = FrameCodec.Encode(TestSupport.Codec, ForwardEnvelope.Create(PartisanTarget.Named("echo"), new Numbered(1, 2), isCast: false, new CallHeader(5, false, new TraceContext(Parent, null))), 1024, types: sent);
        Assert.Equal(TraceContext.TraceParentLength + 2, traced.Length - plain.Length);
        plain.Return();
        traced.Return();
    }

    [Fact]
    public void A_trace_context_is_taken_only_from_a_recorded_activity_and_names_it_as_the_remote_parent()
    {
        using var recorded = new Activity("recorded").SetIdFormat(ActivityIdFormat.W3C);
        recorded.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        recorded.TraceStateString = "k=v";
        recorded.Start();
        var context = TraceContext.Of(recorded);
        Assert.NotNull(context);
        Assert.Equal((recorded.Id, "k=v"), (context.TraceParent, context.TraceState));
        var parent = context.ToParent();
        Assert.Equal((recorded.TraceId, recorded.SpanId, true, "k=v"), (parent.TraceId, parent.SpanId, parent.IsRemote, parent.TraceState));

        using var unrecorded = new Activity("unrecorded").SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None).Start();
        Assert.Null(TraceContext.Of(unrecorded));
        Assert.Null(TraceContext.Of(null));
    }

    public static TheoryData<byte[], byte[], string> MalformedHeaders() => new()
    {
        { Encoding.ASCII.GetBytes(Parent[..54]), [], "malformed traceparent (54 bytes)" },
        { Encoding.ASCII.GetBytes(Parent + "-0"), [], "malformed traceparent (57 bytes)" },
        { Encoding.ASCII.GetBytes(Parent.ToUpperInvariant()), [], "malformed traceparent" },
        { Encoding.ASCII.GetBytes("ff" + Parent[2..]), [], "malformed traceparent" },
        { Encoding.ASCII.GetBytes("00-00000000000000000000000000000000-b7ad6b7169203331-01"), [], "malformed traceparent" },
        { Encoding.ASCII.GetBytes("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"), [], "malformed traceparent" },
        { Encoding.ASCII.GetBytes("00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), [], "malformed traceparent" },
        { Encoding.ASCII.GetBytes(Parent), Encoding.ASCII.GetBytes(new string('s', TraceContext.MaxTraceStateLength + 1)), "malformed tracestate (513 bytes)" },
        { Encoding.ASCII.GetBytes(Parent), "k=\n"u8.ToArray(), "malformed tracestate" },
        { Encoding.ASCII.GetBytes(Parent), "k=é"u8.ToArray(), "malformed tracestate" },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void A_malformed_or_oversized_trace_header_is_a_clear_error(byte[] parent, byte[] state, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => FrameCodec.Decode(TestSupport.Codec, new ReadOnlySequence<byte>(Traced(parent, state)), new ReceivedTypeTable()));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trace_header_whose_length_runs_past_the_frame_is_a_clear_error()
    {
        var body = WireCodecTests.Build([(byte)1, (byte)(2 | 4 | 128), 1u, new byte[] { (byte)'x' }, 5ul, 100_000u]);
        var error = Assert.Throws<InvalidDataException>(() => FrameCodec.Decode(TestSupport.Codec, new ReadOnlySequence<byte>(body), new ReceivedTypeTable()));
        Assert.Contains("malformed traceparent (100000 bytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_frame_with_a_malformed_traceparent_closes_only_that_connection_and_is_logged()
    {
        await using var a = await TestNode.StartAsync("a");
        await using var b = await TestNode.StartAsync("b");
        b.Transport.Connect(a.Spec);
        await b.WaitFullyConnectedAsync(a);
        await using var raw = await RawDialler.HandshakeAsync(a, name: "raw");

        var body = Traced(Encoding.ASCII.GetBytes(Parent.Replace('a', 'z')), []);
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        await raw.SendAsync(frame);

        await raw.WaitForCloseAsync("the connection that sent a malformed traceparent to be closed");
        await TestSupport.WaitUntilAsync(() => a.Logger.Count(LogLevel.Warning, "could not be deserialized") == 1, "the undecodable frame logged at Warning (its exception says why)");
        await b.Transport.SendAsync(a.Name, PartisanChannels.Default, new ForwardEnvelope(PartisanTarget.Named("x"), new Numbered(1, 1), isCast: false), null, null, default);
        await TestSupport.WaitUntilAsync(() => a.Events.Messages.Any(m => m.From == b.Name), "b's forwarded message after the bad frame");
    }

    /// <summary>A request to named target "x", call 5, with the given trace header, and a null-free message of type reference 0.</summary>
    private static byte[] Traced(byte[] parent, byte[] state)
        => WireCodecTests.Build([(byte)1, (byte)(2 | 4 | 128), 1u, new byte[] { (byte)'x' }, 5ul, (uint)parent.Length, parent, (uint)state.Length, state, 0u, WireCodecTests.Int32Zero]);
}

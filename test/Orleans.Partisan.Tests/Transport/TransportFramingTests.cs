using System.Buffers.Binary;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Tests.Transport;

public sealed class TransportFramingTests
{
    [Fact]
    public async Task Frames_fed_one_byte_at_a_time_and_many_frames_in_one_write_are_all_delivered()
    {
        await using var a = await TestNode.StartAsync("a");
        await using var raw = await RawDialler.HandshakeAsync(a, name: "raw");
        await TestSupport.WaitUntilAsync(() => a.Inbound(new NodeName("raw")).Any(), "the raw connection to be accepted");

        // One frame, one byte per write (each write is its own segment on the wire, so reads are partial).
        var single = RawFrames.Encode(new Envelope("slow", new Numbered(1, 1)));
        foreach (var b in single)
        {
            await raw.SendAsync([b]);
        }

        await a.Events.WaitForMessagesAsync(1, "the frame sent byte by byte");

        // Ten frames in one write.
        await raw.SendAsync([.. Enumerable.Range(0, 10).SelectMany(i => RawFrames.Encode(new Numbered(2, i)))]);
        await a.Events.WaitForMessagesAsync(11, "ten frames sent in one write");

        var messages = a.Events.Messages;
        Assert.All(messages, m => Assert.Equal(new NodeName("raw"), m.From));
        Assert.All(messages, m => Assert.Equal(PartisanChannels.Default, m.Channel));
        Assert.Equal(new Envelope("slow", new Numbered(1, 1)), messages[0].Message);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (object)new Numbered(2, i)), messages.Skip(1).Select(m => m.Message));
    }

    [Fact]
    public async Task A_stream_of_16_KiB_frames_is_read_several_frames_at_a_time()
    {
        await using var a = await TestNode.StartAsync("a");
        await using var raw = await RawDialler.HandshakeAsync(a, name: "raw");
        await TestSupport.WaitUntilAsync(() => a.Inbound(new NodeName("raw")).Any(), "the raw connection to be accepted");

        // 32 frames of 16 KiB and a few bytes in one write. Read into 16 KiB segments, every such frame crossed a segment
        // and each read handed over at most one; with InboundConnection.ReaderOptions a read takes several.
        const int Frames = 32;
        var sent = Enumerable.Range(0, Frames).Select(i => new Blob(7, i, [.. Enumerable.Range(0, 16 * 1024).Select(j => (byte)(i + j))])).ToArray();
        await raw.SendAsync([.. sent.SelectMany(RawFrames.Encode)]);
        await a.Events.WaitForMessagesAsync(Frames, "the 32 frames of 16 KiB sent in one write");

        var received = a.Events.Messages.Select(m => Assert.IsType<Blob>(m.Message)).ToArray();
        Assert.Equal(sent.Select(b => b.Sequence), received.Select(b => b.Sequence));
        Assert.All(received, b => Assert.Equal(sent[b.Sequence].Data, b.Data));
        Assert.InRange(a.Events.ReadsWithFrames, 1, Frames * 3 / 4);
    }

    [Fact]
    public async Task An_oversized_frame_closes_only_that_connection()
    {
        await using var a = await TestNode.StartAsync("a", configure: s => s with { MaxFrameSize = 4096 });
        await using var b = await TestNode.StartAsync("b");
        b.Transport.Connect(a.Spec);
        await b.WaitFullyConnectedAsync(a);
        await b.Transport.SendAsync(a.Name, PartisanChannels.Default, new Numbered(0, 0), null, null, default);
        await a.Events.WaitForMessagesAsync(1, "b's first message");

        await using var raw = await RawDialler.HandshakeAsync(a, name: "raw");
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(prefix, 4097);
        await raw.SendAsync(prefix);
        await raw.WaitForCloseAsync("the connection with the oversized frame to be closed");
        await TestSupport.WaitUntilAsync(
            () => a.Logger.Count(LogLevel.Warning, "frame of 4097 bytes exceeds the maximum of 4096") == 1,
            "the oversized frame logged at Warning");

        // The other connection still delivers.
        await b.Transport.SendAsync(a.Name, PartisanChannels.Default, new Numbered(0, 1), null, null, default);
        await a.Events.WaitForMessagesAsync(2, "b's message after the refusal");
        Assert.Equal(new Numbered(0, 1), a.Events.Messages[^1].Message);
        Assert.True(b.Transport.IsFullyConnected(a.Name));
        Assert.DoesNotContain(b.Events.PeerEvents, e => e.StartsWith("down", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Garbage_after_a_valid_handshake_closes_only_that_connection()
    {
        await using var a = await TestNode.StartAsync("a");
        await using var b = await TestNode.StartAsync("b");
        b.Transport.Connect(a.Spec);
        await b.WaitFullyConnectedAsync(a);

        await using var raw = await RawDialler.HandshakeAsync(a, name: "raw");
        await raw.SendAsync(RawFrames.Encode(new Numbered(9, 9)));
        await a.Events.WaitForMessagesAsync(1, "the raw dialler's valid frame");

        // A well-formed length prefix followed by bytes that are no serialized object.
        var garbage = new byte[4 + 64];
        BinaryPrimitives.WriteInt32LittleEndian(garbage, 64);
        garbage.AsSpan(4).Fill(0xFF);
        await raw.SendAsync(garbage);
        await raw.WaitForCloseAsync("the connection that sent garbage to be closed");
        await TestSupport.WaitUntilAsync(
            () => a.Logger.Count(LogLevel.Warning, "could not be deserialized") == 1,
            "the undecodable frame logged at Warning");

        await b.Transport.SendAsync(a.Name, PartisanChannels.Default, new Numbered(1, 1), null, null, default);
        await TestSupport.WaitUntilAsync(() => a.Events.Messages.Any(m => m.From == b.Name), "b's message after the garbage");
    }

    [Fact]
    public async Task An_unserializable_message_throws_to_the_sender_and_the_connection_still_delivers()
    {
        await using var a = await TestNode.StartAsync("a");
        await using var b = await TestNode.StartAsync("b", configure: s => s with { MaxFrameSize = 1024 });
        b.Transport.Connect(a.Spec);
        await b.WaitFullyConnectedAsync(a);

        var error = Assert.Throws<MessageSerializationException>(() => b.Transport.SendAsync(a.Name, PartisanChannels.Default, new NotSerializable(), null, null, default));
        Assert.Contains(nameof(NotSerializable), error.Message, StringComparison.Ordinal);
        var tooLarge = Assert.Throws<MessageTooLargeException>(() => b.Transport.SendAsync(a.Name, PartisanChannels.Default, new Blob(0, 0, new byte[2048]), null, null, default));
        Assert.Equal(1024, tooLarge.Maximum);

        // Object-typed fields carry their runtime type.
        await b.Transport.SendAsync(a.Name, PartisanChannels.Default, new Envelope("next", new Numbered(3, 4)), null, null, default);
        await a.Events.WaitForMessagesAsync(1, "the message after the failed ones");
        Assert.Equal(new Envelope("next", new Numbered(3, 4)), Assert.Single(a.Events.Messages).Message);
        Assert.True(b.Transport.IsFullyConnected(a.Name));
    }

    [Fact]
    public async Task A_frame_from_the_acceptor_on_an_outbound_connection_closes_it()
    {
        await using var a = await TestNode.StartAsync("a");
        await using var peer = new StalledPeer("p", "main", TestSupport.Channels());
        a.Transport.Connect(peer.Spec);
        await TestSupport.WaitUntilAsync(() => a.Events.Count("up:p") == 1, "the fake peer up");
        await peer.SendOnFirstAsync(RawFrames.Encode(new Numbered(0, 0)));
        await TestSupport.WaitUntilAsync(() => a.Events.Count("down:p:ProtocolError") == 1, "the lane closed for a protocol error");
        Assert.True(a.Logger.Count(LogLevel.Warning, "on a connection that only carries our messages") >= 1);
        a.Transport.Disconnect(peer.Spec.Name);
    }
}

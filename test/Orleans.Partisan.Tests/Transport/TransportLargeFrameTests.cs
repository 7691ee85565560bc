using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Transport;

/// <summary>Frames larger than <see cref="InboundConnection.LargeFrameSize"/>, which the receiver reads into one buffer.</summary>
public sealed class TransportLargeFrameTests
{
    private const int Maximum = 1024 * 1024;

    [Fact]
    public async Task A_large_frame_split_across_many_partial_reads_is_delivered_whole_and_so_are_the_frames_around_it()
    {
        await using var a = await TestNode.StartAsync("a", configure: s => s with { MaxFrameSize = Maximum });
        await using var raw = await RawDialler.HandshakeAsync(a, name: "raw");

        var first = Blob(1, 300_000);
        var second = Blob(2, 200_000);
        var bytes = Concat(
            RawFrames.Encode(new Numbered(0, 1)),
            RawFrames.Encode(first),
            RawFrames.Encode(new Numbered(0, 2)),
            RawFrames.Encode(second),
            RawFrames.Encode(new Numbered(0, 3)));

        // Writes of 1 to 7,919 bytes, each flushed, so the receiver's reads end anywhere: inside a
        // length prefix, inside a large body, and with the next frame's start after a large body.
        var random = new Random(7919);
        for (var offset = 0; offset < bytes.Length;)
        {
            var length = Math.Min(random.Next(1, 7920), bytes.Length - offset);
            await raw.SendAsync(bytes[offset..(offset + length)]);
            offset += length;
        }

        await a.Events.WaitForMessagesAsync(5, "the five frames sent in pieces");
        AssertMessages(a, new Numbered(0, 1), first, new Numbered(0, 2), second, new Numbered(0, 3));

        // Two large frames and a small one in a single write.
        var third = Blob(3, 100_000);
        var fourth = Blob(4, 500_000);
        await raw.SendAsync(Concat(RawFrames.Encode(third), RawFrames.Encode(fourth), RawFrames.Encode(new Numbered(0, 4))));
        await a.Events.WaitForMessagesAsync(8, "the three frames sent in one write");
        AssertMessages(a, new Numbered(0, 1), first, new Numbered(0, 2), second, new Numbered(0, 3), third, fourth, new Numbered(0, 4));
        Assert.Contains(a.Inbound(new NodeName("raw")), c => c.Channel == PartisanChannels.Default);
    }

    [Fact]
    public async Task A_frame_of_exactly_the_maximum_size_is_accepted_and_one_byte_more_is_refused()
    {
        // A message whose body is exactly Maximum bytes long (a large frame, so the large path reads it).
        var message = Blob(5, Maximum - 64);
        var slack = Maximum - (RawFrames.Encode(message).Length - FrameCodec.PrefixSize);
        message = Blob(5, Maximum - 64 + slack);
        var frame = RawFrames.Encode(message);
        Assert.Equal(Maximum, frame.Length - FrameCodec.PrefixSize);

        await using var a = await TestNode.StartAsync("a", configure: s => s with { MaxFrameSize = Maximum });
        await using (var raw = await RawDialler.HandshakeAsync(a, name: "raw"))
        {
            await raw.SendAsync(frame);
            await a.Events.WaitForMessagesAsync(1, "the frame of exactly the maximum size");
            AssertMessages(a, message);

            // One byte more: refused when its length prefix arrives, before any body.
            var prefix = new byte[FrameCodec.PrefixSize];
            BinaryPrimitives.WriteInt32LittleEndian(prefix, Maximum + 1);
            await raw.SendAsync(prefix);
            await raw.WaitForCloseAsync("the connection with the frame one byte too large to be closed");
            await TestSupport.WaitUntilAsync(
                () => a.Logger.Count(LogLevel.Warning, $"frame of {Maximum + 1} bytes exceeds the maximum of {Maximum}") == 1,
                "the frame one byte too large logged at Warning");
        }

        // The sender applies the same limit: the message fits, one more payload byte does not.
        await using var b = await TestNode.StartAsync("b", configure: s => s with { MaxFrameSize = Maximum });
        b.Transport.Connect(a.Spec);
        await b.WaitFullyConnectedAsync(a);
        var tooLarge = Assert.Throws<MessageTooLargeException>(() => b.Transport.SendAsync(a.Name, PartisanChannels.Default, message with { Data = new byte[message.Data.Length + 1] }, null, null, default));
        Assert.Equal(Maximum, tooLarge.Maximum);
        await b.Transport.SendAsync(a.Name, PartisanChannels.Default, message with { Sequence = 6 }, null, null, default);
        await a.Events.WaitForMessagesAsync(2, "b's message of exactly the maximum size");
        AssertMessages(a, message, message with { Sequence = 6 });
    }

    [Fact]
    public async Task A_peer_that_closes_inside_a_large_frame_closes_only_that_connection()
    {
        await using var a = await TestNode.StartAsync("a", configure: s => s with { MaxFrameSize = Maximum });
        var frame = RawFrames.Encode(Blob(7, 400_000));
        await using (var raw = await RawDialler.HandshakeAsync(a, name: "raw"))
        {
            await raw.SendAsync(frame[..(frame.Length / 2)]);
        }

        await TestSupport.WaitUntilAsync(
            () => a.Logger.Count(LogLevel.Debug, "connection closed by peer: in the middle of a frame") == 1,
            "the connection closed inside a large frame logged as such");
        Assert.Empty(a.Events.Messages);
        Assert.Empty(a.Inbound(new NodeName("raw")));

        // A new connection still delivers a large frame.
        await using var again = await RawDialler.HandshakeAsync(a, name: "raw2");
        await again.SendAsync(frame);
        await a.Events.WaitForMessagesAsync(1, "the large frame on a new connection");
        AssertMessages(a, Blob(7, 400_000));
    }

    [Fact]
    public async Task Batches_of_mid_sized_frames_written_from_their_own_buffers_arrive_whole_and_in_order()
    {
        // 16 KiB messages, queued faster than the writer takes them, go out in gather writes of several frames (more
        // than the coalescing buffer holds); small ones between them keep batches of mixed sizes.
        await using var a = await TestNode.StartAsync("a");
        await using var b = await TestNode.StartAsync("b");
        b.Transport.Connect(a.Spec);
        await b.WaitFullyConnectedAsync(a);
        var expected = new List<object>();
        for (var i = 0; i < 300; i++)
        {
            object message = i % 10 == 9 ? new Numbered(1, i) : Blob(i, (16 * 1024) + (i % 7 * 1000));
            expected.Add(message);
            await b.Transport.SendAsync(a.Name, PartisanChannels.Default, message, null, null, default);
        }

        await a.Events.WaitForMessagesAsync(expected.Count, "the 300 messages of mixed sizes");
        AssertMessages(a, [.. expected]);
    }

    private static Blob Blob(int key, int size)
    {
        var data = new byte[size];
        new Random(key).NextBytes(data);
        return new Blob(key, key, data);
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    /// <summary>Records compare arrays by reference, so blobs are compared by content here.</summary>
    private static void AssertMessages(TestNode node, params object[] expected)
    {
        var messages = node.Events.Messages.Select(m => m.Message).ToList();
        Assert.Equal(expected.Length, messages.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] is Blob blob)
            {
                var actual = Assert.IsType<Blob>(messages[i]);
                Assert.Equal((blob.Key, blob.Sequence), (actual.Key, actual.Sequence));
                Assert.True(blob.Data.AsSpan().SequenceEqual(actual.Data), $"message {i}: the blob's bytes differ");
            }
            else
            {
                Assert.Equal(expected[i], messages[i]);
            }
        }
    }
}

using System.Buffers;
using System.Buffers.Binary;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Transport;

public sealed class FrameCodecTests
{
    [Fact]
    public void A_frame_split_into_one_byte_segments_is_read_whole()
    {
        var bytes = RawFrames.Encode(new Envelope("split", new Numbered(7, 42)));
        var sequence = Segmented(bytes, 1);

        // Every proper prefix is incomplete.
        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = sequence.Slice(0, length);
            Assert.Equal(FrameReadStatus.Incomplete, FrameCodec.TryReadFrame(ref prefix, 1024, out _, out _));
            Assert.Equal(length, prefix.Length);
        }

        Assert.Equal(FrameReadStatus.Frame, FrameCodec.TryReadFrame(ref sequence, 1024, out var body, out var bodyLength));
        Assert.Equal(bytes.Length - 4, bodyLength);
        Assert.Equal(0, sequence.Length);
        var decoded = Assert.IsType<Envelope>(FrameCodec.Decode(TestSupport.Codec, body));
        Assert.Equal(new Numbered(7, 42), decoded.Body);
    }

    [Fact]
    public void Several_frames_in_one_buffer_are_all_read_in_order()
    {
        var frames = Enumerable.Range(0, 5).Select(i => RawFrames.Encode(new Numbered(1, i))).ToArray();
        var all = frames.SelectMany(f => f).ToArray();
        var sequence = Segmented(all, 7);
        var read = new List<Numbered>();
        while (FrameCodec.TryReadFrame(ref sequence, 1024, out var body, out _) == FrameReadStatus.Frame)
        {
            read.Add(Assert.IsType<Numbered>(FrameCodec.Decode(TestSupport.Codec, body)));
        }

        Assert.Equal(Enumerable.Range(0, 5).Select(i => new Numbered(1, i)), read);
        Assert.Equal(0, sequence.Length);
    }

    [Theory]
    [InlineData(1025)]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_length_prefix_out_of_range_is_invalid(int length)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, length);
        var sequence = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(FrameReadStatus.InvalidLength, FrameCodec.TryReadFrame(ref sequence, 1024, out _, out var read));
        Assert.Equal(length, read);
        Assert.Equal(8, sequence.Length);
    }

    [Fact]
    public void Encode_writes_a_little_endian_length_prefix_and_the_type_travels_with_the_message()
    {
        var frame = FrameCodec.Encode(TestSupport.Codec, new Envelope("t", "a string body"), 1024);
        try
        {
            Assert.Equal(frame.Length - 4, BinaryPrimitives.ReadInt32LittleEndian(frame.Buffer));
            var decoded = TestSupport.DecodeBody(frame.Buffer.AsSpan(4, frame.BodyLength).ToArray());
            Assert.Equal(new Envelope("t", "a string body"), decoded);
        }
        finally
        {
            frame.Return();
        }
    }

    [Fact]
    public void Encode_wraps_serializer_failures_and_rejects_oversized_bodies()
    {
        var failure = Assert.Throws<MessageSerializationException>(() => FrameCodec.Encode(TestSupport.Codec, new NotSerializable(), 1024));
        Assert.Contains(nameof(NotSerializable), failure.Message, StringComparison.Ordinal);
        Assert.NotNull(failure.InnerException);

        var tooLarge = Assert.Throws<MessageTooLargeException>(() => FrameCodec.Encode(TestSupport.Codec, new Blob(1, 1, new byte[2000]), 1024));
        Assert.True(tooLarge.Size > 1024);
        Assert.Equal(1024, tooLarge.Maximum);

        // A big message still fits when the maximum allows it (the pooled buffer grows).
        var big = FrameCodec.Encode(TestSupport.Codec, new Blob(1, 1, new byte[100_000]), 1 << 20);
        Assert.True(big.BodyLength > 100_000);
        big.Return();
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentSize)
    {
        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentSize)
        {
            var memory = bytes.AsMemory(offset, Math.Min(segmentSize, bytes.Length - offset));
            last = last is null ? (first = new Segment(memory, 0)) : last.Append(memory);
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

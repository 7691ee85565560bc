using System.Buffers;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Transport;

/// <summary>The buffer a frame is serialized into hands out spans up to the next CPU slice and offers the CPU at each.</summary>
public sealed class FrameBufferTests
{
    [Fact]
    public void Spans_end_at_the_next_slice_boundary_unless_the_hint_asks_for_more()
    {
        var buffer = FrameBuffer.Rent(64 * 1024 * 1024, pool: null);
        try
        {
            var offers = CpuSlice.OffersOnThisThread;

            // A hint is always honoured, past any boundary.
            Assert.Equal(3 * CpuSlice.Size, buffer.GetSpan(3 * CpuSlice.Size).Length);

            // Without one, the span ends at the first boundary, though the array has room beyond it.
            Assert.Equal(CpuSlice.Size, buffer.GetSpan().Length);
            buffer.Advance(CpuSlice.Size - 10);
            Assert.Equal(10, buffer.GetSpan(1).Length);
            Assert.Equal(50, buffer.GetSpan(50).Length);
            Assert.Equal(offers, CpuSlice.OffersOnThisThread);
            buffer.Advance(50);

            // Past the boundary: one offer, and the next span runs to the following boundary, a whole
            // slice after the first.
            Assert.Equal(CpuSlice.Size - 40, buffer.GetSpan().Length);
            Assert.Equal(offers + 1, CpuSlice.OffersOnThisThread);
            Assert.Equal(CpuSlice.Size - 40, buffer.GetMemory(1).Length);
            Assert.Equal(offers + 1, CpuSlice.OffersOnThisThread);
            Assert.Equal(CpuSlice.Size + 40, buffer.BodyLength);
        }
        finally
        {
            FrameBuffer.Return(buffer);
        }
    }

    [Fact]
    public void Serializing_a_large_byte_array_offers_the_CPU_at_least_once_a_MiB_and_the_frame_is_intact()
    {
        var data = new byte[8 * 1024 * 1024];
        new Random(8).NextBytes(data);
        var message = new Blob(1, 2, data);
        var offers = CpuSlice.OffersOnThisThread;

        var frame = FrameCodec.EncodeToArray(TestSupport.Codec, message);

        // Orleans copies a long run of bytes asking for up to 1 MiB at a time (a hint is honoured), so a
        // large byte array offers the CPU at least once a MiB rather than once a slice.
        var bodyLength = frame.Length - FrameCodec.PrefixSize;
        Assert.InRange(CpuSlice.OffersOnThisThread - offers, bodyLength / (1024 * 1024), (bodyLength - 1) / CpuSlice.Size);
        var body = new ReadOnlySequence<byte>(frame, FrameCodec.PrefixSize, bodyLength);
        var decoded = Assert.IsType<Blob>(FrameCodec.Decode(TestSupport.Codec, body));
        Assert.Equal(data, decoded.Data);
    }

    [Fact]
    public void A_large_message_of_many_small_fields_offers_the_CPU_once_a_slice()
    {
        var message = new Envelope("many", Enumerable.Range(0, 100_000).Select(i => new Numbered(i, -i)).ToList());
        var offers = CpuSlice.OffersOnThisThread;

        var frame = FrameCodec.EncodeToArray(TestSupport.Codec, message);

        Assert.True(frame.Length > 2 * CpuSlice.Size, $"the test needs a body of several slices; it was {frame.Length} bytes");
        // Small fields may carry the body over the last boundary without asking for more room after it.
        var boundaries = (frame.Length - FrameCodec.PrefixSize - 1) / CpuSlice.Size;
        Assert.InRange(CpuSlice.OffersOnThisThread - offers, boundaries - 1, boundaries);
        var decoded = Assert.IsType<Envelope>(FrameCodec.Decode(TestSupport.Codec, new ReadOnlySequence<byte>(frame, FrameCodec.PrefixSize, frame.Length - FrameCodec.PrefixSize)));
        Assert.Equal(message.Body, Assert.IsType<List<Numbered>>(decoded.Body));
    }

    [Fact]
    public void A_small_message_never_offers_the_CPU()
    {
        var offers = CpuSlice.OffersOnThisThread;
        FrameCodec.EncodeToArray(TestSupport.Codec, new Blob(1, 1, new byte[16 * 1024]));
        Assert.Equal(offers, CpuSlice.OffersOnThisThread);
    }

    [Fact]
    public void A_frame_starts_in_an_array_as_long_as_the_pools_last_frame()
    {
        var pool = new FramePool(framesInFlight: 8, largeFramesInFlight: 1);

        // The first frame of a connection starts small and grows once.
        var large = FrameCodec.Encode(TestSupport.Codec, new Blob(1, 1, new byte[16 * 1024]), int.MaxValue, pool);
        Assert.Equal(large.Length, pool.FrameHint);
        large.Return();

        // The next one gets an array that holds a frame of that length from the start.
        var buffer = FrameBuffer.Rent(int.MaxValue, pool);
        try
        {
            Assert.True(buffer.GetSpan().Length >= pool.FrameHint - FrameCodec.PrefixSize, $"a span of {buffer.GetSpan().Length} bytes before anything was written; the last frame was {pool.FrameHint} bytes");
        }
        finally
        {
            FrameBuffer.Return(buffer);
        }

        // A small frame brings the start back down.
        FrameCodec.Encode(TestSupport.Codec, new Blob(1, 1, new byte[8]), int.MaxValue, pool).Return();
        Assert.InRange(pool.FrameHint, 1, 255);
        buffer = FrameBuffer.Rent(int.MaxValue, pool);
        try
        {
            Assert.Equal(256 - FrameCodec.PrefixSize, buffer.GetSpan().Length);
        }
        finally
        {
            FrameBuffer.Return(buffer);
        }
    }
}

using System.Buffers;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Transport;

/// <summary>A large frame's buffer read as slices: the bytes are the array's, and a reader moving on offers the CPU.</summary>
public sealed class SlicedBufferTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(CpuSlice.Size)]
    [InlineData(CpuSlice.Size + 1)]
    [InlineData((3 * CpuSlice.Size) + 17)]
    public void A_sequence_is_the_arrays_first_bytes_in_slices(int length)
    {
        var array = Filled(4 * CpuSlice.Size);
        var sequence = new SlicedBuffer(array).Sequence(length);

        Assert.Equal(length, sequence.Length);
        Assert.Equal(array.AsSpan(0, length).ToArray(), sequence.ToArray());
        var segments = 0;
        foreach (var memory in sequence)
        {
            Assert.InRange(memory.Length, 1, CpuSlice.Size);
            segments++;
        }

        Assert.Equal((length + CpuSlice.Size - 1) / CpuSlice.Size, segments);
    }

    [Fact]
    public void Decoding_a_large_message_offers_the_CPU_once_for_every_slice_after_the_first()
    {
        var data = Filled(5 * 1024 * 1024);
        var frame = FrameCodec.EncodeToArray(TestSupport.Codec, new Blob(3, 4, data));
        var bodyLength = frame.Length - FrameCodec.PrefixSize;

        // A buffer longer than the frame, as a connection's is after a larger one.
        var array = new byte[bodyLength + (2 * CpuSlice.Size)];
        frame.AsSpan(FrameCodec.PrefixSize).CopyTo(array);
        var sequence = new SlicedBuffer(array).Sequence(bodyLength);
        var offers = CpuSlice.OffersOnThisThread;

        var decoded = Assert.IsType<Blob>(FrameCodec.Decode(TestSupport.Codec, sequence));

        Assert.Equal(data, decoded.Data);
        Assert.Equal((bodyLength - 1) / CpuSlice.Size, CpuSlice.OffersOnThisThread - offers);
    }

    [Fact]
    public unsafe void A_pinned_slice_points_at_its_own_bytes()
    {
        var array = Filled(2 * CpuSlice.Size);
        var second = new SlicedBuffer(array).Sequence(array.Length).Slice(CpuSlice.Size).First;

        using var handle = second.Pin();

        Assert.Equal(array[CpuSlice.Size], *(byte*)handle.Pointer);
        Assert.Equal(array[CpuSlice.Size + 5], ((byte*)handle.Pointer)[5]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData((2 * CpuSlice.Size) + 1)]
    public void A_length_outside_the_array_is_refused(int length)
    {
        var buffer = new SlicedBuffer(new byte[2 * CpuSlice.Size]);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Sequence(length));
    }

    private static byte[] Filled(int length)
    {
        var array = new byte[length];
        new Random(length).NextBytes(array);
        return array;
    }
}

using System.Buffers;
using System.Runtime.InteropServices;

namespace Orleans.Partisan.Transport;

/// <summary>
/// A byte array seen as a chain of <see cref="CpuSlice"/>-sized segments whose memory offers the CPU
/// when a reader takes the span of any segment but the first. Orleans' reader takes a segment's span
/// when it moves on to it, so decoding a large frame from <see cref="Sequence"/> shares the CPU once a
/// slice, as reading it from the socket does, at the cost of one virtual call per slice.
/// </summary>
/// <remarks>The segments are built once per array; an inbound connection keeps one for its large frames.</remarks>
internal sealed class SlicedBuffer
{
    private readonly Segment[] _segments;

    public SlicedBuffer(byte[] array)
    {
        Array = array;
        _segments = new Segment[Math.Max(1, (array.Length + CpuSlice.Size - 1) / CpuSlice.Size)];
        for (var i = 0; i < _segments.Length; i++)
        {
            var start = i * CpuSlice.Size;
            var memory = new SliceMemory(array, start, Math.Min(CpuSlice.Size, array.Length - start), offers: i > 0);
            _segments[i] = new Segment(memory.Memory, start);
            if (i > 0)
            {
                _segments[i - 1].SetNext(_segments[i]);
            }
        }
    }

    /// <summary>The array the segments cover.</summary>
    public byte[] Array { get; }

    /// <summary>The first <paramref name="length"/> bytes of the array, as a sequence of slices.</summary>
    public ReadOnlySequence<byte> Sequence(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Array.Length);
        var last = (length - 1) / CpuSlice.Size;
        return new ReadOnlySequence<byte>(_segments[0], 0, _segments[last], length - (last * CpuSlice.Size));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }

    /// <summary>One slice of the array; taking its span offers the CPU first, unless it is the first slice.</summary>
    private sealed class SliceMemory(byte[] array, int start, int length, bool offers) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan()
        {
            if (offers)
            {
                CpuSlice.Offer();
            }

            return array.AsSpan(start, length);
        }

        public override unsafe MemoryHandle Pin(int elementIndex = 0)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, length);
            var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
            return new MemoryHandle((byte*)handle.AddrOfPinnedObject() + start + elementIndex, handle);
        }

        public override void Unpin()
        {
            // The handle returned by Pin is freed when that MemoryHandle is disposed.
        }

        protected override void Dispose(bool disposing)
        {
            // Nothing to free: the array belongs to the garbage collector.
        }
    }
}

using System.Buffers;

namespace Orleans.Partisan.Benchmarks;

/// <summary>A segment of a byte sequence in two parts, as a pipe's reader hands a frame that crosses its segments.</summary>
internal sealed class DecodeSegment : ReadOnlySequenceSegment<byte>
{
    private DecodeSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary><paramref name="bytes"/> as two segments, the first <paramref name="at"/> bytes long.</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, int at)
    {
        var first = new DecodeSegment(bytes.AsMemory(0, at), 0);
        var second = new DecodeSegment(bytes.AsMemory(at), at);
        first.Next = second;
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }
}

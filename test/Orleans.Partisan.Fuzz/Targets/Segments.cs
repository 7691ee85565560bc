using System.Buffers;

namespace Orleans.Partisan.Fuzz.Targets;

/// <summary>Byte sequences cut into segments of a given size, as a socket's reads arrive.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary><paramref name="bytes"/> in segments of <paramref name="size"/> bytes; one segment when it is zero.</summary>
    public static ReadOnlySequence<byte> Of(ReadOnlyMemory<byte> bytes, int size)
    {
        if (size <= 0 || bytes.Length <= size)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segments(bytes[..size], 0);
        var last = first;
        for (var at = size; at < bytes.Length; at += size)
        {
            var next = new Segments(bytes[at..Math.Min(at + size, bytes.Length)], at);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}

using System.Buffers;

namespace Orleans.Partisan.SerializationGuard;

/// <summary>
/// A read-only stream over serialized bytes that limits how much decoding them may allocate: Orleans'
/// reader asks a seekable stream's length before each collection it allocates, and this stream
/// answers only after checking the thread's allocations since it was created, so a value whose
/// declared collection lengths would swamp the process is refused at the next collection past the
/// budget rather than decoded.
/// </summary>
/// <remarks>
/// Used for values the <see cref="SerializedFieldScanner"/> cannot rule out (their declared element counts
/// exceed <see cref="SerializedFieldScanner.ClaimFactor"/> times their length). Decoding through a stream
/// costs about twice as much CPU as decoding a buffer, so it is not the usual path. The length it reports
/// is also capped so that one collection of 8-byte elements stays within what is left of the budget.
/// Single-threaded: create it, decode on the same thread, drop it.
/// </remarks>
internal sealed class BudgetedInputStream : Stream
{
    /// <summary>Decoding may allocate this many times the input's length, plus <see cref="AllocationSlack"/>.</summary>
    public const int AllocationFactor = 64;

    /// <summary>What decoding may allocate whatever the input's length.</summary>
    public const long AllocationSlack = 1024 * 1024;

    private const int ElementSize = 8;

    private readonly ReadOnlyMemory<byte> _input;
    private readonly long _start;
    private readonly long _budget;
    private long _position;

    /// <summary>Starts the budget for decoding <paramref name="input"/> on this thread.</summary>
    /// <remarks>A multi-segment input is copied into one array first (once its length in bytes), so that reading a byte is an index.</remarks>
    public BudgetedInputStream(ReadOnlySequence<byte> input)
    {
        _input = input.IsSingleSegment ? input.First : input.ToArray();
        _budget = AllocationFactor * input.Length + AllocationSlack;
        _start = GC.GetAllocatedBytesForCurrentThread();
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => true;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <summary>
    /// The input's length as the reader may rely on it: checked against the budget on every call, and no more
    /// than the position plus what is left of the budget in 8-byte elements.
    /// </summary>
    /// <exception cref="InvalidDataException">Decoding has allocated more than the budget.</exception>
    public override long Length
    {
        get
        {
            var used = GC.GetAllocatedBytesForCurrentThread() - _start;
            if (used > _budget)
            {
                throw new InvalidDataException($"Decoding {_input.Length} bytes allocated {used} bytes, more than the {_budget} allowed.");
            }

            return _position + Math.Min(_input.Length - _position, (_budget - used) / ElementSize);
        }
    }

    /// <inheritdoc />
    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    /// <inheritdoc />
    public override int ReadByte()
    {
        if (_position >= _input.Length)
        {
            return -1;
        }

        return _input.Span[(int)_position++];
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, _input.Length - _position);
        _input.Span.Slice((int)_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _input.Length + offset,
        };
        if (target < 0 || target > _input.Length)
        {
            throw new InvalidDataException($"A serialized value skips to offset {target} of {_input.Length}.");
        }

        _position = target;
        return target;
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

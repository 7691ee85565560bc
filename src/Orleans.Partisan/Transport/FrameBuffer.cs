using System.Buffers;
using System.Buffers.Binary;

namespace Orleans.Partisan.Transport;

/// <summary>
/// A growable <see cref="IBufferWriter{T}"/> over pooled arrays that the serializer writes a frame's
/// body into, after room for the length prefix. The arrays come from the connection's
/// <see cref="FramePool"/> (or <see cref="ArrayPool{T}.Shared"/> without one). One instance is cached
/// per thread, so serializing a message allocates nothing here: the finished frame's array is handed
/// over with <see cref="Detach"/>.
/// </summary>
/// <remarks>
/// A span handed out ends at the next <see cref="CpuSlice"/> boundary (or later, if the size hint asks
/// for more), so the serializer comes back for more at least once a slice, and the buffer offers the
/// CPU each time it crosses one: serializing a large message shares the CPU as writing and reading it
/// do. Orleans' writer copies a long run of bytes span by span but asks for up to 1 MiB at a time,
/// which the span must hold, so one large byte array is sliced a MiB at a time; smaller fields a slice
/// at a time.
/// </remarks>
internal sealed class FrameBuffer : IBufferWriter<byte>
{
    private const int InitialSize = 256;

    [ThreadStatic]
    private static FrameBuffer? _cached;

    private byte[]? _buffer;
    private int _written;
    private int _maxBodySize;
    private int _nextOffer;
    private FramePool? _pool;

    /// <summary>
    /// Takes this thread's buffer (or a new one), ready for a body of at most <paramref name="maxBodySize"/>
    /// bytes, renting from <paramref name="pool"/> (or the shared array pool when it is null) an array as long as the
    /// pool's last frame (<see cref="FramePool.FrameHint"/>), or of 256 bytes.
    /// </summary>
    public static FrameBuffer Rent(int maxBodySize, FramePool? pool)
    {
        var buffer = _cached ?? new FrameBuffer();
        _cached = null;
        buffer._pool = pool;
        buffer._buffer = buffer.RentArray(Math.Max(InitialSize, pool?.FrameHint ?? 0));
        buffer._written = FrameCodec.PrefixSize;
        buffer._nextOffer = FrameCodec.PrefixSize + CpuSlice.Size;
        buffer._maxBodySize = maxBodySize;
        return buffer;
    }

    /// <summary>Gives back a buffer taken with <see cref="Rent"/>, returning any array it still holds.</summary>
    public static void Return(FrameBuffer buffer)
    {
        if (buffer._buffer is { } array)
        {
            buffer.ReturnArray(array);
            buffer._buffer = null;
        }

        buffer._pool = null;
        _cached = buffer;
    }

    /// <summary>The body's length so far.</summary>
    public int BodyLength => _written - FrameCodec.PrefixSize;

    /// <summary>Writes the length prefix and hands the array over as a frame.</summary>
    public PooledFrame Detach(SentTypeTable? encodedFor = null, SentTypeTable.Entry? announces = null)
    {
        var array = _buffer ?? throw new InvalidOperationException("The frame buffer holds no array.");
        BinaryPrimitives.WriteInt32LittleEndian(array, BodyLength);
        _pool?.NoteFrameLength(_written);
        _buffer = null;
        return new PooledFrame(array, _written, _pool, encodedFor, announces);
    }

    /// <inheritdoc />
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var array = _buffer ?? throw new InvalidOperationException("The frame buffer holds no array.");
        if (_written + count > array.Length)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        _written += count;
        if (BodyLength > _maxBodySize)
        {
            throw new MessageTooLargeException(BodyLength, _maxBodySize);
        }
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        // NextLength may replace the array, so it runs before the array is read.
        var length = NextLength(sizeHint);
        return _buffer.AsMemory(_written, length);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        var length = NextLength(sizeHint);
        return _buffer.AsSpan(_written, length);
    }

    /// <summary>
    /// Makes room for <paramref name="sizeHint"/> bytes, offers the CPU if the body has crossed a slice
    /// boundary since the last offer, and returns how long the next span is: up to the next boundary,
    /// or the hint if that is longer.
    /// </summary>
    private int NextLength(int sizeHint)
    {
        Ensure(sizeHint);
        if (_written >= _nextOffer)
        {
            // The first boundary after what is written: a hint may have carried the body past one.
            _nextOffer += ((_written - _nextOffer) / CpuSlice.Size + 1) * CpuSlice.Size;
            CpuSlice.Offer();
        }

        // At least the hint (Ensure made room for it) and at least one byte (the boundary is ahead).
        return Math.Min(_buffer!.Length - _written, Math.Max(sizeHint, _nextOffer - _written));
    }

    private void Ensure(int sizeHint)
    {
        var array = _buffer ?? throw new InvalidOperationException("The frame buffer holds no array.");
        if (sizeHint < 1)
        {
            sizeHint = 1;
        }

        if (array.Length - _written >= sizeHint)
        {
            return;
        }

        var needed = (long)_written + sizeHint;
        var size = Math.Max(needed, (long)array.Length * 2);
        if (size > FramePool.MaximumSize && _pool is { } pool)
        {
            // A large frame: go straight to the size of the last large frame on this connection,
            // rather than through every power of two on the way.
            size = Math.Max(size, pool.LargeFrameHint);
        }

        if (size > Array.MaxLength)
        {
            size = Math.Max(needed, Array.MaxLength);
        }

        if (needed - FrameCodec.PrefixSize > (long)_maxBodySize + 65536)
        {
            // Far beyond what may be sent: stop before growing further.
            throw new MessageTooLargeException(needed - FrameCodec.PrefixSize, _maxBodySize);
        }

        var bigger = RentArray((int)size);
        array.AsSpan(0, _written).CopyTo(bigger);
        ReturnArray(array);
        _buffer = bigger;
    }

    private byte[] RentArray(int size) => _pool is { } pool ? pool.Rent(size) : ArrayPool<byte>.Shared.Rent(size);

    private void ReturnArray(byte[] array)
    {
        if (_pool is { } pool)
        {
            pool.Return(array);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}

using System.Buffers;

namespace Orleans.Partisan.Transport;

/// <summary>
/// One serialized frame (4-byte length prefix and body) in a buffer rented from a <see cref="FramePool"/>
/// (or, without one, from <see cref="ArrayPool{T}.Shared"/>). Whoever holds it last returns the buffer
/// with <see cref="Return"/>, to the pool it came from.
/// </summary>
internal readonly struct PooledFrame
{
    public PooledFrame(byte[] buffer, int length, FramePool? pool, SentTypeTable? encodedFor = null, SentTypeTable.Entry? announces = null)
    {
        Buffer = buffer;
        Length = length;
        Pool = pool;
        EncodedFor = encodedFor;
        Announces = announces;
    }

    /// <summary>The rented buffer; the frame is its first <see cref="Length"/> bytes.</summary>
    public byte[] Buffer { get; }

    /// <summary>The frame's length, prefix included.</summary>
    public int Length { get; }

    /// <summary>Where the buffer goes back to; <see langword="null"/> for <see cref="ArrayPool{T}.Shared"/>.</summary>
    public FramePool? Pool { get; }

    /// <summary>
    /// The type table the frame was encoded against (it may refer to the connection's type numbers),
    /// or <see langword="null"/> when it can go on any connection.
    /// </summary>
    public SentTypeTable? EncodedFor { get; }

    /// <summary>The type whose name the frame carries for the first time, which the writer marks as announced when it takes the frame.</summary>
    public SentTypeTable.Entry? Announces { get; }

    /// <summary>The body's length, prefix excluded.</summary>
    public int BodyLength => Length - FrameCodec.PrefixSize;

    /// <summary>Whether this holds a buffer.</summary>
    public bool IsEmpty => Buffer is null;

    /// <summary>The frame's bytes.</summary>
    public ReadOnlyMemory<byte> Memory => new(Buffer, 0, Length);

    /// <summary>Gives the buffer back to its pool.</summary>
    public void Return()
    {
        if (Buffer is null)
        {
            return;
        }

        if (Pool is { } pool)
        {
            pool.Return(Buffer);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}

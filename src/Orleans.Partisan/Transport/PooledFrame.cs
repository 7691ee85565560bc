using System.Buffers;

namespace Orleans.Partisan.Transport;

/// <summary>
/// One serialized frame (4-byte length prefix and body) in a buffer rented from <see cref="ArrayPool{T}.Shared"/>.
/// Whoever holds it last returns the buffer with <see cref="Return"/>.
/// </summary>
internal readonly struct PooledFrame
{
    public PooledFrame(byte[] buffer, int length)
    {
        Buffer = buffer;
        Length = length;
    }

    /// <summary>The rented buffer; the frame is its first <see cref="Length"/> bytes.</summary>
    public byte[] Buffer { get; }

    /// <summary>The frame's length, prefix included.</summary>
    public int Length { get; }

    /// <summary>The body's length, prefix excluded.</summary>
    public int BodyLength => Length - FrameCodec.PrefixSize;

    /// <summary>Whether this holds a buffer.</summary>
    public bool IsEmpty => Buffer is null;

    /// <summary>The frame's bytes.</summary>
    public ReadOnlyMemory<byte> Memory => new(Buffer, 0, Length);

    /// <summary>Gives the buffer back to the pool.</summary>
    public void Return()
    {
        if (Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}

using System.Buffers;
using System.Buffers.Binary;

namespace Orleans.Partisan.Transport;

/// <summary>What <see cref="FrameCodec.TryReadFrame"/> found.</summary>
internal enum FrameReadStatus
{
    /// <summary>Not a whole frame yet: read more.</summary>
    Incomplete,

    /// <summary>A whole frame was read.</summary>
    Frame,

    /// <summary>The length prefix is zero, negative or larger than the maximum: a protocol error.</summary>
    InvalidLength,
}

/// <summary>
/// The overlay's framing: a 4-byte little-endian length prefix, then the body, which is the
/// Orleans serialization of the message as <see cref="object"/> (so its type travels with it).
/// </summary>
internal static class FrameCodec
{
    /// <summary>The length prefix's size.</summary>
    public const int PrefixSize = 4;

    /// <summary>
    /// Reads one frame off the front of <paramref name="buffer"/>. On <see cref="FrameReadStatus.Frame"/>,
    /// <paramref name="body"/> is the body and <paramref name="buffer"/> is what follows it; otherwise
    /// <paramref name="buffer"/> is unchanged. <paramref name="length"/> is the length prefix when one was read.
    /// </summary>
    public static FrameReadStatus TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameSize, out ReadOnlySequence<byte> body, out int length)
    {
        body = default;
        length = 0;
        if (buffer.Length < PrefixSize)
        {
            return FrameReadStatus.Incomplete;
        }

        var first = buffer.FirstSpan;
        if (first.Length >= PrefixSize)
        {
            length = BinaryPrimitives.ReadInt32LittleEndian(first);
        }
        else
        {
            Span<byte> prefix = stackalloc byte[PrefixSize];
            buffer.Slice(0, PrefixSize).CopyTo(prefix);
            length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        }

        if (length <= 0 || length > maxFrameSize)
        {
            return FrameReadStatus.InvalidLength;
        }

        if (buffer.Length - PrefixSize < length)
        {
            return FrameReadStatus.Incomplete;
        }

        body = buffer.Slice(PrefixSize, length);
        buffer = buffer.Slice(body.End);
        return FrameReadStatus.Frame;
    }

    /// <summary>
    /// Serializes <paramref name="message"/> (see <see cref="WireCodec"/>) into a frame whose buffer comes from
    /// <paramref name="pool"/> (the shared array pool when it is null), numbering its type in
    /// <paramref name="types"/>, the table of the connection it will be sent on, if given.
    /// </summary>
    /// <exception cref="MessageSerializationException">The serializer failed.</exception>
    /// <exception cref="MessageTooLargeException">The body is larger than <paramref name="maxFrameSize"/>.</exception>
    public static PooledFrame Encode(WireCodec codec, object message, int maxFrameSize, FramePool? pool = null, SentTypeTable? types = null)
    {
        var buffer = FrameBuffer.Rent(maxFrameSize, pool);
        try
        {
            var numbered = codec.Write(buffer, message, types, out var announces);
            if (buffer.BodyLength > maxFrameSize)
            {
                throw new MessageTooLargeException(buffer.BodyLength, maxFrameSize);
            }

            return buffer.Detach(numbered ? types : null, announces);
        }
        catch (MessageTooLargeException)
        {
            throw;
        }
        catch (Exception exception)
        {
            throw new MessageSerializationException(GetMessageType(message), exception);
        }
        finally
        {
            FrameBuffer.Return(buffer);
        }
    }

    /// <summary>Serializes <paramref name="message"/> into a new array holding one whole frame (for handshakes and tests).</summary>
    public static byte[] EncodeToArray(WireCodec codec, object message, int maxFrameSize = int.MaxValue)
    {
        var frame = Encode(codec, message, maxFrameSize);
        try
        {
            return frame.Memory.ToArray();
        }
        finally
        {
            frame.Return();
        }
    }

    /// <summary>Deserializes a frame's body; <paramref name="types"/> is the receiving connection's table of type numbers.</summary>
    public static object Decode(WireCodec codec, in ReadOnlySequence<byte> body, ReceivedTypeTable? types = null)
        => codec.Read(body, types);

    /// <summary>The type to name in a serialization error: a forwarded message's own type rather than the envelope's.</summary>
    private static Type GetMessageType(object message) => message is ForwardEnvelope { Message: { } inner } ? inner.GetType() : message.GetType();
}

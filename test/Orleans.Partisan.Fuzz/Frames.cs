using System.Buffers.Binary;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Fuzz;

/// <summary>Frames and bodies as the overlay writes them, for seeds.</summary>
internal static class Frames
{
    /// <summary>A whole frame (length prefix and body) of <paramref name="message"/>, numbering its type in <paramref name="types"/> if given.</summary>
    public static byte[] Frame(object message, SentTypeTable? types = null)
    {
        var frame = FrameCodec.Encode(FuzzServices.Codec, message, FuzzServices.MaxFrameSize, types: types);
        try
        {
            frame.Announces?.MarkAnnounced();
            return frame.Memory.ToArray();
        }
        finally
        {
            frame.Return();
        }
    }

    /// <summary>The body alone.</summary>
    public static byte[] Body(object message, SentTypeTable? types = null) => Frame(message, types)[FrameCodec.PrefixSize..];

    /// <summary>A frame around any body.</summary>
    public static byte[] Wrap(byte[] body)
    {
        var frame = new byte[FrameCodec.PrefixSize + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, body.Length);
        body.CopyTo(frame, FrameCodec.PrefixSize);
        return frame;
    }

    /// <summary>A length prefix alone.</summary>
    public static byte[] Prefix(int length)
    {
        var prefix = new byte[FrameCodec.PrefixSize];
        BinaryPrimitives.WriteInt32LittleEndian(prefix, length);
        return prefix;
    }

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}

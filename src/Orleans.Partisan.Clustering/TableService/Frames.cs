using System.Buffers.Binary;

namespace Orleans.Partisan.Clustering.TableService;

/// <summary>Length-prefixed frames (4-byte little-endian length, then the serialized message) on a stream.</summary>
internal static class Frames
{
    /// <summary>Largest response accepted: a table of tens of thousands of silos fits well below it.</summary>
    internal const int MaxFrameLength = 64 * 1024 * 1024;

    /// <summary>Largest request a seed accepts: a request carries at most one row (a few hundred bytes).</summary>
    internal const int MaxRequestLength = 64 * 1024;

    /// <summary>A frame's buffer starts at most this large and doubles as its bytes arrive, so a length prefix alone allocates little.</summary>
    private const int FirstChunk = 16 * 1024;

    /// <summary>Writes one frame.</summary>
    public static async ValueTask WriteAsync(Stream stream, byte[] payload, CancellationToken token)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(header, payload.Length);
        await stream.WriteAsync(header, token).ConfigureAwait(false);
        await stream.WriteAsync(payload, token).ConfigureAwait(false);
        await stream.FlushAsync(token).ConfigureAwait(false);
    }

    /// <summary>Reads one frame of at most <paramref name="maxLength"/> bytes; <see langword="null"/> when the peer closed the stream cleanly before a frame began.</summary>
    /// <exception cref="InvalidDataException">The length prefix is negative or larger than <paramref name="maxLength"/>, or the stream ended inside the header.</exception>
    /// <exception cref="EndOfStreamException">The stream ended inside the frame's body.</exception>
    public static async ValueTask<byte[]?> ReadAsync(Stream stream, int maxLength, CancellationToken token)
    {
        var header = new byte[4];
        var read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, token).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        if (read < header.Length)
        {
            throw new InvalidDataException("The stream ended inside a frame header.");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < 0 || length > maxLength)
        {
            throw new InvalidDataException($"Frame length {length} is outside 0..{maxLength}.");
        }

        // Allocated as the bytes arrive, not as the prefix claims.
        var payload = new byte[Math.Min(length, FirstChunk)];
        var filled = 0;
        while (filled < length)
        {
            if (filled == payload.Length)
            {
                Array.Resize(ref payload, (int)Math.Min(payload.Length * 2L, length));
            }

            var count = await stream.ReadAsync(payload.AsMemory(filled), token).ConfigureAwait(false);
            if (count == 0)
            {
                throw new EndOfStreamException($"The stream ended after {filled} of a frame's {length} bytes.");
            }

            filled += count;
        }

        return payload;
    }
}

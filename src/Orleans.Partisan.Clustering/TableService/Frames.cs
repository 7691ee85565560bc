using System.Buffers.Binary;

namespace Orleans.Partisan.Clustering.TableService;

/// <summary>Length-prefixed frames (4-byte little-endian length, then the serialized message) on a stream.</summary>
internal static class Frames
{
    /// <summary>Largest frame accepted: a table of tens of thousands of silos fits well below it.</summary>
    internal const int MaxFrameLength = 64 * 1024 * 1024;

    /// <summary>Writes one frame.</summary>
    public static async ValueTask WriteAsync(Stream stream, byte[] payload, CancellationToken token)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(header, payload.Length);
        await stream.WriteAsync(header, token).ConfigureAwait(false);
        await stream.WriteAsync(payload, token).ConfigureAwait(false);
        await stream.FlushAsync(token).ConfigureAwait(false);
    }

    /// <summary>Reads one frame; <see langword="null"/> when the peer closed the stream cleanly before a frame began.</summary>
    public static async ValueTask<byte[]?> ReadAsync(Stream stream, CancellationToken token)
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
        if (length is < 0 or > MaxFrameLength)
        {
            throw new InvalidDataException($"Frame length {length} is outside 0..{MaxFrameLength}.");
        }

        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, token).ConfigureAwait(false);
        return payload;
    }
}

namespace Orleans.Partisan.Transport;

/// <summary>Large frames: read straight from the socket into one buffer the connection keeps, not the pipe's segments.</summary>
internal sealed partial class InboundConnection
{
    /// <summary>
    /// A frame at least this long whose body has not all arrived yet is read into one buffer of its size
    /// (kept by the connection for the next one) instead of the pipe's segments.
    /// </summary>
    public const int LargeFrameSize = 64 * 1024;

    /// <summary>This connection's buffer for large frames, at least <paramref name="length"/> bytes.</summary>
    private SlicedBuffer LargeFrameBuffer(int length)
    {
        if (_largeFrame is null || _largeFrame.Array.Length < length)
        {
            // Rounded up so that frames of slightly different sizes share it; never above the maximum.
            var size = (int)Math.Min(((long)length + LargeFrameSize - 1) / LargeFrameSize * LargeFrameSize, _context.Settings.MaxFrameSize);
            _largeFrame = new SlicedBuffer(GC.AllocateUninitializedArray<byte>(Math.Max(size, length)));
        }

        return _largeFrame;
    }

    /// <summary>
    /// Fills <paramref name="destination"/> from the socket; false if the peer closed first. Called only
    /// when the pipe holds nothing unconsumed, so reading the stream directly skips nothing. Reads a
    /// <see cref="CpuSlice"/> at a time.
    /// </summary>
    private async ValueTask<bool> ReadExactlyAsync(Memory<byte> destination)
    {
        var sinceYield = 0;
        while (destination.Length > 0)
        {
            var read = await _stream.ReadAsync(destination, _closing.Token);
            if (read == 0)
            {
                return false;
            }

            destination = destination[read..];
            sinceYield += read;
            if (sinceYield >= CpuSlice.Size && destination.Length > 0)
            {
                sinceYield = 0;
                await CpuSlice.BetweenSocketSlices();
            }
        }

        return true;
    }
}

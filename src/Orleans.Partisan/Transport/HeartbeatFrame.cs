using System.Buffers;

namespace Orleans.Partisan.Transport;

/// <summary>
/// The heartbeat frame: a body of one byte, the kind <see cref="Kind"/>, which no message body starts with (see
/// <see cref="WireCodec"/>). The acceptor of a connection sends it every <see cref="Hello.HeartbeatInterval"/> the
/// dialler asked for; it is the only frame a dialler may receive after the handshake.
/// </summary>
internal static class HeartbeatFrame
{
    /// <summary>The body's kind byte.</summary>
    public const byte Kind = 2;

    /// <summary>The body's length.</summary>
    public const int BodyLength = 1;

    /// <summary>The shortest interval a dialler may ask for: shorter would have the acceptor spend its time on heartbeats.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest interval a dialler may ask for (a day): timers go no further than about 49 days anyway.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(1);

    /// <summary>The whole frame: the length prefix (1, little-endian) and the kind.</summary>
    public static readonly ReadOnlyMemory<byte> Bytes = new byte[] { BodyLength, 0, 0, 0, Kind };

    /// <summary>Whether <paramref name="body"/> (a frame's body, without the length prefix) is a heartbeat.</summary>
    public static bool Is(in ReadOnlySequence<byte> body)
    {
        if (body.Length != BodyLength)
        {
            return false;
        }

        foreach (var segment in body)
        {
            if (!segment.IsEmpty)
            {
                return segment.Span[0] == Kind;
            }
        }

        return false;
    }
}

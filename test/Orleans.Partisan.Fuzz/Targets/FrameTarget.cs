using System.Buffers;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Fuzz.Targets;

/// <summary>
/// A stream of bytes on an established inbound connection, read as <see cref="InboundConnection"/> reads it: frames
/// off a buffer of segments (sized by the input's first byte, so frames straddle segments), each body decoded
/// with the connection's type table and last target (<see cref="WireCodec.Receive"/>), until the bytes run out or a
/// frame is refused (which closes the connection).
/// </summary>
internal sealed class FrameTarget : IFuzzTarget
{
    /// <summary>The largest frame this connection accepts.</summary>
    public const int MaxFrameSize = 64 * 1024;

    private static readonly NodeName Peer = new("peer");

    public string Name => "frame";

    public IEnumerable<(string Name, byte[] Input)> Seeds()
    {
        var sent = new SentTypeTable(FuzzServices.Codec.TypeConverter);
        var named = PartisanTarget.Named("inbox");
        var announce = Frames.Frame(new ForwardEnvelope(named, new Keyed(1, 2, "first"), isCast: false), sent);
        var numbered = Frames.Frame(new ForwardEnvelope(named, new Keyed(3, 4, "second"), isCast: true), sent);
        var other = Frames.Frame(new ForwardEnvelope(named, "text", isCast: false), sent);
        yield return ("announce-then-number", [0, .. announce, .. numbered, .. numbered]);
        yield return ("split-1-byte", [1, .. announce, .. numbered, .. other]);
        yield return ("split-7-bytes", [7, .. announce, .. other, .. numbered]);
        var mailbox = new ProcessRef(new NodeName("n1"), 42);
        var toMailbox = Frames.Frame(new ForwardEnvelope(mailbox, new Keyed(5, 6, "m"), isCast: false), sent);
        var toOther = Frames.Frame(new ForwardEnvelope(mailbox with { Id = 43 }, new Keyed(7, 8, "o"), isCast: false), sent);
        yield return ("mailbox-stream", [5, .. announce, .. toMailbox, .. toMailbox, .. toOther, .. toMailbox]);
        yield return ("objects", [3, .. Frames.Frame(new Keyed(5, 6, "object")), .. Frames.Frame(WireTarget.Nested())]);
        yield return ("partial-frame", [0, .. announce, .. numbered[..^3]]);
        yield return ("zero-length", [0, .. Frames.Prefix(0)]);
        yield return ("negative-length", [0, .. Frames.Prefix(-1)]);
        yield return ("oversized-length", [0, .. Frames.Prefix(MaxFrameSize + 1)]);
        yield return ("garbage-body", [0, .. Frames.Wrap(Enumerable.Repeat((byte)0xFF, 64).ToArray())]);
        yield return ("unknown-type-number", [0, .. Frames.Wrap([1, 2, .. Mutator.VarInt(1), (byte)'x', .. Mutator.VarInt(6u << 1), 0])]);
    }

    public void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var buffer = Segments.Of(input.AsMemory(1), input[0] % 17);
        var types = new ReceivedTypeTable();
        var targets = new ReceivedTargetCache();
        while (true)
        {
            switch (FrameCodec.TryReadFrame(ref buffer, MaxFrameSize, out var body, out var length))
            {
                case FrameReadStatus.Frame:
                    FuzzServices.Codec.Receive(body, types, targets, Peer, "default", out _);
                    break;
                case FrameReadStatus.InvalidLength:
                    throw new InvalidDataException($"Invalid frame length {length}.");
                default:
                    return;
            }
        }
    }

    public bool IsDocumentedRefusal(Exception exception) => exception is InvalidDataException;
}

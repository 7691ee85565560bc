using System.Buffers;
using System.Text;
using Orleans.Serialization.Buffers;

namespace Orleans.Partisan.Transport;

/// <summary>The relay frame (kind 3): a <see cref="RelayEnvelope"/>'s header laid out by hand, then the forward body it carries.</summary>
internal sealed partial class WireCodec
{
    /// <summary>The most hops a relay frame may have left: the largest <c>RelayHopLimit</c> the options allow.</summary>
    public const int MaxRelayHops = 32;

    /// <summary>The longest node name a relay frame carries, in UTF-8 bytes.</summary>
    public const int MaxNodeNameBytes = 1024;

    private void WriteRelay(ref Writer<FrameBuffer> writer, RelayEnvelope relay)
    {
        writer.WriteByte(RelayKind);
        WriteNodeName(ref writer, relay.Origin);
        writer.WriteVarUInt64((ulong)relay.Id.Id);
        WriteNodeName(ref writer, relay.Destination);
        writer.WriteVarUInt32((uint)relay.HopsLeft);
        if (relay.Encoded.IsEmpty)
        {
            // Started here: the forward body without a connection's type numbers, so any node can read it.
            writer.WriteByte(ForwardKind);
            WriteForward(ref writer, relay.Forward, types: null, out _);
        }
        else
        {
            writer.Write(relay.Encoded.Span);
        }
    }

    private static bool IsRelay(in ReadOnlySequence<byte> body)
    {
        var reader = new SequenceReader<byte>(body);
        return reader.TryPeek(out var kind) && kind == RelayKind;
    }

    /// <summary>Reads a checked relay body's header; the forward body after it is kept as bytes, decoded only if someone reads the message.</summary>
    private RelayEnvelope ReadRelay(in ReadOnlySequence<byte> body)
    {
        var reader = new SequenceReader<byte>(body);
        reader.Advance(1);
        var origin = ReadNodeName(ref reader, "origin");
        var number = ReadVarUInt64(ref reader, "relay number");
        if (number is 0 or > long.MaxValue)
        {
            throw new InvalidDataException($"The relayed message's number is {number}; numbers are 1 to {long.MaxValue}.");
        }

        var destination = ReadNodeName(ref reader, "destination");
        var hops = ReadVarUInt32(ref reader, "hops left");
        var encoded = body.Slice(reader.Position).ToArray();
        return new RelayEnvelope(new PartisanRef(origin, (long)number), destination, (int)hops, encoded, this);
    }

    private static void WriteNodeName(ref Writer<FrameBuffer> writer, NodeName name)
    {
        var bytes = Encoding.UTF8.GetByteCount(name.Value);
        if (bytes > MaxNodeNameBytes)
        {
            throw new ArgumentException($"The node name '{name}' is {bytes} bytes long; a relayed message carries names of at most {MaxNodeNameBytes} bytes.");
        }

        writer.WriteVarUInt32((uint)bytes);
        writer.EnsureContiguous(bytes);
        writer.AdvanceSpan(Encoding.UTF8.GetBytes(name.Value, writer.WritableSpan));
    }

    private static NodeName ReadNodeName(ref SequenceReader<byte> reader, string what)
    {
        var length = ReadVarUInt32(ref reader, what + " node name length");
        if (length is 0 or > MaxNodeNameBytes || length > reader.Remaining)
        {
            throw new InvalidDataException($"The relayed message's {what} node name is {length} bytes long; names are 1 to {MaxNodeNameBytes} bytes.");
        }

        var name = Encoding.UTF8.GetString(reader.UnreadSequence.Slice(0, length));
        reader.Advance(length);
        return string.IsNullOrWhiteSpace(name)
            ? throw new InvalidDataException($"The relayed message's {what} node name is blank.")
            : new NodeName(name);
    }

    /// <summary>Reads an Orleans var-int of up to 64 bits (1 to 9 bytes; a first byte of 0 announces eight more).</summary>
    private static ulong ReadVarUInt64(ref SequenceReader<byte> reader, string what)
    {
        if (!reader.TryPeek(out var first))
        {
            throw new InvalidDataException($"The frame ends before its {what}.");
        }

        var count = first == 0 ? 9 : System.Numerics.BitOperations.TrailingZeroCount(first) + 1;
        Span<byte> bytes = stackalloc byte[9];
        if (!reader.TryCopyTo(bytes[..count]))
        {
            throw new InvalidDataException($"The frame's {what} is truncated.");
        }

        reader.Advance(count);
        return count == 9
            ? System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[1..])
            : System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[..8]) >> count;
    }

    /// <summary>Checks a relay frame's header (the kind byte read) and that a forward body follows; returns with the reader on that body's flags.</summary>
    private static void CheckRelayHeader(ref SequenceReader<byte> reader)
    {
        SkipName(ref reader, MaxNodeNameBytes, "origin node name");
        SkipVarUInt64(ref reader, "relay number");
        SkipName(ref reader, MaxNodeNameBytes, "destination node name");
        var hops = ReadVarUInt32(ref reader, "hops left");
        if (hops > MaxRelayHops)
        {
            throw new InvalidDataException($"The relayed message has {hops} hops left; at most {MaxRelayHops} are allowed.");
        }

        if (!reader.TryRead(out var inner) || inner != ForwardKind)
        {
            throw new InvalidDataException("The relayed message does not carry a forward frame.");
        }
    }
}

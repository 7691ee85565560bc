using System.Buffers;
using Orleans.Partisan.SerializationGuard;

namespace Orleans.Partisan.Transport;

/// <summary>The check of a received body's layout, made before Orleans' serializer reads any of it.</summary>
internal sealed partial class WireCodec
{
    /// <summary>
    /// Walks the body's layout without decoding it: the envelope's own fields, and every value Orleans will read
    /// (<see cref="SerializedFieldScanner"/>). Returns whether the body can be decoded directly.
    /// </summary>
    private static bool Check(ReadOnlySequence<byte> body)
    {
        var reader = new SequenceReader<byte>(body);
        long claims = 0;
        if (!reader.TryRead(out var kind))
        {
            throw new InvalidDataException("The frame is empty.");
        }

        var relayed = kind == RelayKind;
        if (relayed)
        {
            CheckRelayHeader(ref reader);
            kind = ForwardKind;
        }

        if (kind == ForwardKind)
        {
            if (!reader.TryRead(out var flags))
            {
                throw new InvalidDataException("The forwarded message ends before its flags.");
            }

            if (!ValidFlags(flags))
            {
                throw new InvalidDataException($"The forwarded message has inconsistent flags {flags:x2}.");
            }

            if ((flags & AnswerFlag) != 0)
            {
                SkipVarUInt64(ref reader, "call number");
            }
            else if ((flags & NamedFlag) != 0)
            {
                SkipName(ref reader, TargetNameCache.MaxNameBytes, "target name");
            }
            else
            {
                SerializedFieldScanner.ScanField(ref reader, ref claims);
            }

            if ((flags & RequestFlag) != 0)
            {
                SkipVarUInt64(ref reader, "call number");
            }

            if ((flags & TraceFlag) != 0)
            {
                CheckTraceHeader(ref reader);
            }

            if ((flags & TrackedFlag) != 0)
            {
                SkipVarUInt64(ref reader, "session");
                SkipVarUInt64(ref reader, "number");
                SkipVarUInt64(ref reader, "predecessor");
                SkipVarUInt64(ref reader, "base");
            }

            var reference = ReadVarUInt32(ref reader, "type reference");
            if (relayed && reference != 0)
            {
                throw new InvalidDataException("The relayed message refers to a connection's type number; a relayed message names its type.");
            }

            if ((reference & 1) != 0)
            {
                SkipName(ref reader, MaxTypeNameBytes, "type name");
            }
        }
        else if (kind != ObjectKind)
        {
            throw new InvalidDataException($"The frame is of unknown kind {kind}.");
        }

        SerializedFieldScanner.ScanField(ref reader, ref claims);
        if (!reader.End)
        {
            throw new InvalidDataException($"The frame has {reader.Remaining} bytes after its message.");
        }

        return SerializedFieldScanner.IsCompact(claims, body.Length);
    }

    /// <summary>
    /// Checks a request's trace header: a <c>traceparent</c> of exactly <see cref="TraceContext.TraceParentLength"/>
    /// bytes in the W3C version-00 form, and a <c>tracestate</c> of at most <see cref="TraceContext.MaxTraceStateLength"/>
    /// bytes of printable ASCII (0 bytes: none).
    /// </summary>
    private static void CheckTraceHeader(ref SequenceReader<byte> reader)
    {
        Span<byte> text = stackalloc byte[TraceContext.MaxTraceStateLength];
        var length = ReadVarUInt32(ref reader, "traceparent length");
        if (length != TraceContext.TraceParentLength || !reader.TryCopyTo(text[..TraceContext.TraceParentLength]) || !TraceContext.IsValidTraceParent(text[..TraceContext.TraceParentLength]))
        {
            throw new InvalidDataException($"The call's trace header has a malformed traceparent ({length} bytes); a traceparent is {TraceContext.TraceParentLength} bytes: 00-<32 hex>-<16 hex>-<2 hex>, ids not all zero.");
        }

        reader.Advance(length);
        length = ReadVarUInt32(ref reader, "tracestate length");
        if (length > TraceContext.MaxTraceStateLength || !reader.TryCopyTo(text[..(int)length]) || !TraceContext.IsValidTraceState(text[..(int)length]))
        {
            throw new InvalidDataException($"The call's trace header has a malformed tracestate ({length} bytes); a tracestate is at most {TraceContext.MaxTraceStateLength} bytes of printable ASCII.");
        }

        reader.Advance(length);
    }

    private static void SkipName(ref SequenceReader<byte> reader, int maximum, string what)
    {
        var length = ReadVarUInt32(ref reader, what);
        if (length == 0 || length > maximum || length > reader.Remaining)
        {
            throw new InvalidDataException($"The frame's {what} is {length} bytes long; names are 1 to {maximum} bytes, and {reader.Remaining} bytes are left.");
        }

        reader.Advance(length);
    }

    /// <summary>Steps over an Orleans var-int of up to 64 bits (1 to 9 bytes; a first byte of 0 announces eight more).</summary>
    private static void SkipVarUInt64(ref SequenceReader<byte> reader, string what)
    {
        if (!reader.TryPeek(out var first))
        {
            throw new InvalidDataException($"The frame ends before its {what}.");
        }

        var count = first == 0 ? 9 : System.Numerics.BitOperations.TrailingZeroCount(first) + 1;
        if (reader.Remaining < count)
        {
            throw new InvalidDataException($"The frame's {what} is truncated.");
        }

        reader.Advance(count);
    }

    /// <summary>Reads an Orleans var-int of at most 32 bits (1 to 5 bytes).</summary>
    private static uint ReadVarUInt32(ref SequenceReader<byte> reader, string what)
    {
        if (!reader.TryPeek(out var first) || first == 0)
        {
            throw new InvalidDataException($"The frame's {what} is missing or longer than 32 bits.");
        }

        var count = System.Numerics.BitOperations.TrailingZeroCount(first) + 1;
        Span<byte> bytes = stackalloc byte[8];
        if (count > 5 || !reader.TryCopyTo(bytes[..count]))
        {
            throw new InvalidDataException($"The frame's {what} is truncated or longer than 32 bits.");
        }

        reader.Advance(count);
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes) >> count;
        return value <= uint.MaxValue ? (uint)value : throw new InvalidDataException($"The frame's {what} is longer than 32 bits.");
    }
}

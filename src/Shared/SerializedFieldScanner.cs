using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Orleans.Partisan.SerializationGuard;

/// <summary>
/// Checks bytes that Orleans' serializer is about to read from a peer, before it reads them: walks the
/// fields of one serialized value without materialising anything, and refuses what would crash or
/// swamp the process while Orleans decodes it.
/// </summary>
/// <remarks>
/// <para>Orleans' decoder recurses once per nested object and has no depth limit: a value nested a few
/// hundred thousand levels deep (four bytes a level) overflows the thread's stack, which ends the
/// process. The scan is iterative and refuses more than <see cref="MaxDepth"/> levels.</para>
/// <para>Orleans' collection codecs (arrays, lists, dictionaries, sets, queues, stacks) allocate the
/// length a peer declares before they read the elements, checking only that the declaration is no
/// larger than the bytes left in the input. Many collections each declaring "the rest of the input"
/// and carrying no elements cost a few bytes each and allocate quadratically in the input's size (a
/// 256 KiB frame allocated 19.6 GB in our test). The scan adds up what collections declare beyond the
/// fields they hold (see <see cref="ScanField"/>): a genuine value adds nothing, but the wire format does
/// not say which objects are collections, so an integer member where a collection keeps its length adds
/// too, and the sum is a bound, not a verdict: a caller decodes a value whose sum exceeds
/// <see cref="ClaimFactor"/> times its length with an allocation budget (<see cref="BudgetedInputStream"/>)
/// instead of refusing it.</para>
/// <para>It also checks what the format itself bounds: var-ints, length prefixes and encoded type names no
/// longer than the bytes left, type names at most <see cref="MaxTypeNameBytes"/> bytes, and no wire type or
/// control tag the format does not define.</para>
/// </remarks>
internal static class SerializedFieldScanner
{
    /// <summary>The deepest nesting of objects accepted (Orleans' decoder uses a stack frame or more per level).</summary>
    public const int MaxDepth = 128;

    /// <summary>The longest encoded type name accepted, in UTF-8 bytes.</summary>
    public const int MaxTypeNameBytes = 4096;

    /// <summary>Declared element counts up to this many times the input's length are decoded directly.</summary>
    public const int ClaimFactor = 8;

    private const byte WireTypeMask = 0b1110_0000;
    private const byte SchemaMask = 0b0001_1000;
    private const byte FieldIdMask = 0b0000_0111;
    private const byte VarInt = 0b000 << 5;
    private const byte TagDelimited = 0b001 << 5;
    private const byte LengthPrefixed = 0b010 << 5;
    private const byte Fixed32 = 0b011 << 5;
    private const byte Fixed64 = 0b100 << 5;
    private const byte Reference = 0b110 << 5;
    private const byte Extended = 0b111 << 5;
    private const byte WellKnown = 0b01 << 3;
    private const byte Encoded = 0b10 << 3;
    private const byte Referenced = 0b11 << 3;
    private const byte EndObject = Extended | (0b00 << 3);
    private const byte EndBaseFields = Extended | (0b01 << 3);
    private const byte TypeEncodingVersion = 1;

    /// <summary>Whether a value whose declared element counts sum to <paramref name="claims"/> is decoded directly, <paramref name="length"/> being its input's length.</summary>
    public static bool IsCompact(long claims, long length) => claims <= ClaimFactor * Math.Max(length, 1);

    /// <summary>
    /// Scans one serialized field (its header, type and value, nested objects included) from
    /// <paramref name="reader"/>, leaving the reader after it, and adds to <paramref name="claims"/> the element
    /// counts its collections declare beyond the fields they hold.
    /// </summary>
    /// <remarks>
    /// In an object, a var-int at field 0 may be a collection's length (arrays, lists, queues, stacks), and a
    /// var-int at field 1 may be one when field 0 was not a var-int (dictionaries and sets, whose field 0 is their
    /// comparer). Each is counted, capped at the bytes left after it, as Orleans checks it; an object adds what its
    /// counted lengths exceed its other fields by. A genuine collection holds as many fields as it declares, so it
    /// adds nothing; a record whose first member is an integer adds that integer's value less its other fields.
    /// </remarks>
    /// <exception cref="InvalidDataException">The field is malformed, truncated, or nested too deeply.</exception>
    [SkipLocalsInit] // each level's state is set when the level opens
    public static void ScanField(ref SequenceReader<byte> reader, ref long claims)
    {
        // Per open object: the field id so far (ids are deltas, reset at the end of its base fields), the lengths
        // it declared, its other fields, and whether its field 0 was a var-int.
        Span<uint> ids = stackalloc uint[MaxDepth + 1];
        Span<long> declared = stackalloc long[MaxDepth + 1];
        Span<long> others = stackalloc long[MaxDepth + 1];
        Span<bool> varIntAtZero = stackalloc bool[MaxDepth + 1];
        var depth = 0;
        Open(ids, declared, others, varIntAtZero, depth);
        do
        {
            var tag = ReadByte(ref reader);
            if (tag >= Extended)
            {
                if (depth == 0)
                {
                    throw new InvalidDataException($"A serialized value starts with control tag 0x{tag:x2}.");
                }

                switch (tag)
                {
                    case EndObject:
                        claims += Math.Max(0, declared[depth] - others[depth]);
                        depth--;
                        continue;
                    case EndBaseFields:
                        claims += Math.Max(0, declared[depth] - others[depth]);
                        Open(ids, declared, others, varIntAtZero, depth);
                        continue;
                    default:
                        throw new InvalidDataException($"A serialized value holds the undefined control tag 0x{tag:x2}.");
                }
            }

            ulong delta = (uint)(tag & FieldIdMask);
            if (delta == FieldIdMask)
            {
                delta = ReadVarInt(ref reader);
            }

            SkipType(ref reader, (byte)(tag & SchemaMask));
            var id = ids[depth] + Math.Min(delta, (ulong)uint.MaxValue + 1);
            if (id > uint.MaxValue)
            {
                throw new InvalidDataException("A serialized value's field id overflows.");
            }

            ids[depth] = (uint)id;
            var wireType = tag & WireTypeMask;
            if (wireType == VarInt)
            {
                var value = ReadVarInt(ref reader);
                if (depth > 0 && (id == 0 || (id == 1 && !varIntAtZero[depth])))
                {
                    varIntAtZero[depth] |= id == 0;
                    declared[depth] += (long)Math.Min(value, (ulong)reader.Remaining);
                    continue;
                }
            }

            others[depth]++;
            switch (wireType)
            {
                case VarInt:
                    break;
                case TagDelimited:
                    if (depth == MaxDepth)
                    {
                        throw new InvalidDataException($"A serialized value is nested more than {MaxDepth} objects deep.");
                    }

                    Open(ids, declared, others, varIntAtZero, ++depth);
                    break;
                case LengthPrefixed:
                    Skip(ref reader, ReadVarInt(ref reader), "length-prefixed field");
                    break;
                case Fixed32:
                    Skip(ref reader, 4, "fixed 32-bit field");
                    break;
                case Fixed64:
                    Skip(ref reader, 8, "fixed 64-bit field");
                    break;
                case Reference:
                    ReadVarInt(ref reader);
                    break;
                default:
                    throw new InvalidDataException($"A serialized value holds the undefined wire type in tag 0x{tag:x2}.");
            }
        }
        while (depth > 0);
    }

    private static void Open(Span<uint> ids, Span<long> declared, Span<long> others, Span<bool> varIntAtZero, int depth)
    {
        ids[depth] = 0;
        declared[depth] = 0;
        others[depth] = 0;
        varIntAtZero[depth] = false;
    }

    private static void SkipType(ref SequenceReader<byte> reader, byte schema)
    {
        switch (schema)
        {
            case WellKnown:
            case Referenced:
                ReadVarInt(ref reader);
                break;
            case Encoded:
                var version = ReadByte(ref reader);
                if (version != TypeEncodingVersion)
                {
                    throw new InvalidDataException($"A serialized type name has encoding version {version}; only {TypeEncodingVersion} is known.");
                }

                Skip(ref reader, 4, "type name hash");
                var length = ReadVarInt(ref reader);
                if (length > MaxTypeNameBytes)
                {
                    throw new InvalidDataException($"A serialized type name is {length} bytes long; at most {MaxTypeNameBytes} are accepted.");
                }

                Skip(ref reader, length, "type name");
                break;
        }
    }

    private static byte ReadByte(ref SequenceReader<byte> reader)
        => reader.TryRead(out var value) ? value : throw Truncated("field tag");

    /// <summary>Reads one of Orleans' var-ints: the first byte's trailing zeros plus one give its length in bytes (1 to 9).</summary>
    private static ulong ReadVarInt(ref SequenceReader<byte> reader)
    {
        var span = reader.UnreadSpan;
        if (span.Length >= 9)
        {
            var count = BitOperations.TrailingZeroCount(0x100u | span[0]) + 1;
            reader.Advance(count);
            return count == 9
                ? BinaryPrimitives.ReadUInt64LittleEndian(span[1..])
                : (BinaryPrimitives.ReadUInt64LittleEndian(span) & (ulong.MaxValue >> (64 - (8 * count)))) >> count;
        }

        return ReadVarIntSlow(ref reader);
    }

    private static ulong ReadVarIntSlow(ref SequenceReader<byte> reader)
    {
        if (!reader.TryPeek(out var first))
        {
            throw Truncated("var-int");
        }

        var count = BitOperations.TrailingZeroCount(0x100u | first) + 1;
        Span<byte> bytes = stackalloc byte[9];
        if (!reader.TryCopyTo(bytes[..count]))
        {
            throw Truncated("var-int");
        }

        reader.Advance(count);
        if (count == 9)
        {
            return BinaryPrimitives.ReadUInt64LittleEndian(bytes[1..]);
        }

        bytes[count..].Clear();
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes[..8]) >> count;
    }

    private static void Skip(ref SequenceReader<byte> reader, ulong count, string what)
    {
        if (count > (ulong)reader.Remaining)
        {
            throw new InvalidDataException($"A serialized {what} declares {count} bytes; {reader.Remaining} are left.");
        }

        reader.Advance((long)count);
    }

    private static InvalidDataException Truncated(string what) => new($"A serialized value ends inside a {what}.");
}

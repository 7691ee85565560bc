using System.Buffers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Session;
using Orleans.Serialization.TypeSystem;
using Orleans.Partisan.SerializationGuard;

namespace Orleans.Partisan.Transport;

/// <summary>
/// Turns messages into frame bodies and back, with Orleans' serializer.
/// </summary>
/// <remarks>
/// <para>A body starts with a kind byte.</para>
/// <para><b>0, object</b>: the message as Orleans' serializer writes an <see cref="object"/> (its type,
/// then its fields). Handshakes and protocol messages use it.</para>
/// <para><b>1, forward</b>: a forwarded message (<see cref="ForwardEnvelope"/>), which is most of
/// the traffic, laid out by hand so that the envelope costs a few bytes and no codec calls: a flags
/// byte (1 = cast, 2 = the target is named, 4 = the request of a call, 8 = a transitive call, 16 = the
/// answer to a call, 32 = that answer is a failure, 64 = an acknowledged message, 128 = a request with a trace
/// header), then the target (a named target as a varint length
/// and its UTF-8 name, any other target as Orleans writes a <see cref="PartisanTarget"/>; an answer has
/// none), then, for a request or an answer, the call's number as a varint (the call header: the caller's
/// node is the request's sender and the answer's receiver, so it never travels), then, for a request whose caller's
/// span is recorded, the trace header (the W3C <c>traceparent</c> and <c>tracestate</c>, each as a varint length and
/// ASCII; <see cref="TraceContext"/>), then, for an
/// acknowledged message, its delivery header (session, number, predecessor and base as varints), then a
/// varint type reference and the message (an answer's reply may be null: type reference 0 and Orleans' null). Type reference 0: the message is written as an object, type and
/// all. Otherwise <c>(n + 1) &lt;&lt; 1</c> names the connection's type number n
/// (<see cref="SentTypeTable"/>), with the low bit set when the type's name follows (a varint length
/// and the UTF-8 name as Orleans' type converter formats it), and the message is written as a value
/// of exactly that type, so the type is not spelled out again.</para>
/// <para>Serializer sessions are kept one per thread and reset after each use instead of being taken
/// from and returned to the shared pool for every frame. They name types through
/// <see cref="OverlayTypeRules"/>, so a frame can name only registered types.</para>
/// <para>A body is checked before Orleans' serializer reads it (<see cref="SerializedFieldScanner"/>):
/// the envelope's layout, nesting depth, lengths and type names; a body whose declared collection
/// lengths could allocate out of proportion to its size is decoded with an allocation budget
/// (<see cref="BudgetedInputStream"/>). Any failure to decode is an <see cref="InvalidDataException"/>.</para>
/// </remarks>
internal sealed partial class WireCodec
{
    private const byte ObjectKind = 0;
    private const byte ForwardKind = 1;
    private const byte CastFlag = 1;
    private const byte NamedFlag = 2;
    private const byte RequestFlag = 4;
    private const byte TransitiveFlag = 8;
    private const byte AnswerFlag = 16;
    private const byte FailureFlag = 32;
    private const byte TrackedFlag = 64;
    private const byte TraceFlag = 128; // every bit of the flags byte is now taken
    private const int MaxTypeNameBytes = 4096;

    [ThreadStatic]
    private static SerializerSession? _session;

    [ThreadStatic]
    private static WireCodec? _owner;

    private readonly ObjectSerializer _objects;
    private readonly SerializerSessionPool _sessions;

    /// <summary>Takes Orleans' serialization services from <paramref name="services"/> (a silo's, a client's, or one built with <c>AddSerializer()</c>).</summary>
    public WireCodec(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _objects = services.GetRequiredService<ObjectSerializer>();
        TypeConverter = OverlayTypeRules.CreateConverter(services);
        _sessions = OverlayTypeRules.CreateSessions(services, TypeConverter);
    }

    /// <summary>Formats and resolves type names, allowing only registered types (<see cref="OverlayTypeRules"/>).</summary>
    public TypeConverter TypeConverter { get; }

    /// <summary>The named targets seen in received frames.</summary>
    public TargetNameCache Names { get; } = new();

    /// <summary>
    /// Writes <paramref name="message"/>'s body into <paramref name="buffer"/>, numbering its type in
    /// <paramref name="types"/> if given; <paramref name="announces"/> is the type entry whose name the
    /// body carries for the first time, if any. Returns whether the body refers to a type number, so
    /// that it can only be sent on the connection <paramref name="types"/> belongs to.
    /// </summary>
    public bool Write(FrameBuffer buffer, object message, SentTypeTable? types, out SentTypeTable.Entry? announces)
    {
        announces = null;
        var numbered = false;
        var session = RentSession();
        try
        {
            var writer = Writer.Create(buffer, session);
            if (message is ForwardEnvelope envelope)
            {
                writer.WriteByte(ForwardKind);
                numbered = WriteForward(ref writer, envelope, types, out announces);
            }
            else
            {
                writer.WriteByte(ObjectKind);
                _objects.Serialize(message, ref writer, typeof(object));
            }

            writer.Commit();
            return numbered;
        }
        finally
        {
            ReturnSession(session);
        }
    }

    /// <summary>Reads one body; <paramref name="types"/> is the connection's table of type numbers.</summary>
    /// <exception cref="InvalidDataException">
    /// The body is malformed (unknown kind, bad target or type reference, trailing bytes), names a type that is
    /// not registered, nests too deeply, would allocate out of proportion to its size, or Orleans' serializer
    /// could not read it (the original exception is the inner one).
    /// </exception>
    public object Read(in ReadOnlySequence<byte> body, ReceivedTypeTable? types)
    {
        var compact = body.IsSingleSegment ? Check(body) : CpuSlice.Quietly(body, static b => Check(b));
        var session = RentSession();
        try
        {
            if (!compact)
            {
                using var stream = new BudgetedInputStream(body);
                var reader = Reader.Create(stream, session);
                return Read(ref reader, types);
            }

            if (body.IsSingleSegment)
            {
                var reader = Reader.Create(body.First, session);
                return Read(ref reader, types);
            }
            else
            {
                var reader = Reader.Create(body, session);
                return Read(ref reader, types);
            }
        }
        catch (Exception exception) when (exception is not (InvalidDataException or OutOfMemoryException))
        {
            throw new InvalidDataException($"The frame could not be deserialized: {exception.Message}", exception);
        }
        finally
        {
            ReturnSession(session);
        }
    }

    private bool WriteForward(ref Writer<FrameBuffer> writer, ForwardEnvelope envelope, SentTypeTable? types, out SentTypeTable.Entry? announces)
    {
        announces = null;
        var flags = envelope.IsCast ? CastFlag : (byte)0;
        var answer = envelope.Target as CallAnswerTarget;
        var nameBytes = envelope.Target is NamedTarget named ? Encoding.UTF8.GetByteCount(named.Name) : 0;
        if (answer is not null)
        {
            flags = answer.IsFailure ? (byte)(AnswerFlag | FailureFlag) : AnswerFlag;
        }
        else if (nameBytes is > 0 and <= TargetNameCache.MaxNameBytes)
        {
            flags |= NamedFlag;
        }

        if (answer is null && envelope.Call.IsCall)
        {
            flags |= envelope.Call.Transitive ? (byte)(RequestFlag | TransitiveFlag) : RequestFlag;
            if (envelope.Call.Trace is not null)
            {
                flags |= TraceFlag;
            }
        }

        var delivery = envelope.Delivery;
        if (answer is null && delivery.IsTracked)
        {
            flags |= TrackedFlag;
        }

        writer.WriteByte(flags);
        if (answer is not null)
        {
            writer.WriteVarUInt64((ulong)answer.Call);
        }
        else
        {
            if ((flags & NamedFlag) != 0)
            {
                writer.WriteVarUInt32((uint)nameBytes);
                writer.EnsureContiguous(nameBytes);
                writer.AdvanceSpan(Encoding.UTF8.GetBytes(((NamedTarget)envelope.Target).Name, writer.WritableSpan));
            }
            else
            {
                _objects.Serialize(envelope.Target, ref writer, typeof(PartisanTarget));
            }

            if (envelope.Call.IsCall)
            {
                writer.WriteVarUInt64((ulong)envelope.Call.Id);
            }

            if ((flags & TraceFlag) != 0)
            {
                WriteAscii(ref writer, envelope.Call.Trace!.TraceParent);
                WriteAscii(ref writer, envelope.Call.Trace.TraceState ?? string.Empty);
            }

            if ((flags & TrackedFlag) != 0)
            {
                writer.WriteVarUInt64((ulong)delivery.Session);
                writer.WriteVarUInt64((ulong)delivery.Sequence);
                writer.WriteVarUInt64((ulong)delivery.Predecessor);
                writer.WriteVarUInt64((ulong)delivery.Base);
            }
        }

        if (envelope.Message is not { } message)
        {
            writer.WriteVarUInt32(0);
            _objects.Serialize(null, ref writer, typeof(object));
            return false;
        }

        var type = message.GetType();
        var entry = types?.Get(type);
        if (entry is null)
        {
            writer.WriteVarUInt32(0);
            _objects.Serialize(message, ref writer, typeof(object));
            return false;
        }

        var reference = (entry.Id + 1) << 1;
        if (entry.IsAnnounced)
        {
            writer.WriteVarUInt32(reference);
        }
        else
        {
            writer.WriteVarUInt32(reference | 1);
            writer.WriteVarUInt32((uint)entry.Name.Length);
            writer.Write(entry.Name);
            announces = entry;
        }

        _objects.Serialize(message, ref writer, type);
        return true;
    }

    private object Read<TInput>(ref Reader<TInput> reader, ReceivedTypeTable? types)
    {
        var kind = reader.ReadByte();
        switch (kind)
        {
            case ObjectKind:
                return _objects.Deserialize(ref reader, typeof(object)) ?? throw new InvalidDataException("The frame decoded to null.");
            case ForwardKind:
                return ReadForward(ref reader, types);
            default:
                throw new InvalidDataException($"The frame is of unknown kind {kind}.");
        }
    }

    private ForwardEnvelope ReadForward<TInput>(ref Reader<TInput> reader, ReceivedTypeTable? types)
    {
        var flags = reader.ReadByte();
        PartisanTarget target;
        var call = default(CallHeader);
        if ((flags & AnswerFlag) != 0)
        {
            target = new CallAnswerTarget(ReadCallNumber(ref reader), (flags & FailureFlag) != 0);
        }
        else if ((flags & NamedFlag) != 0)
        {
            var length = reader.ReadVarUInt32();
            if (length is 0 or > TargetNameCache.MaxNameBytes)
            {
                throw new InvalidDataException($"The forwarded message's target name is {length} bytes long; names are 1 to {TargetNameCache.MaxNameBytes} bytes.");
            }

            if (reader.TryReadBytes((int)length, out var name))
            {
                target = Names.Get(name);
            }
            else
            {
                Span<byte> copy = stackalloc byte[(int)length];
                reader.ReadBytes(copy);
                target = Names.Get(copy);
            }
        }
        else
        {
            target = _objects.Deserialize(ref reader, typeof(PartisanTarget)) as PartisanTarget
                ?? throw new InvalidDataException("The forwarded message has no target.");
        }

        if ((flags & RequestFlag) != 0)
        {
            var number = ReadCallNumber(ref reader);
            TraceContext? trace = null;
            if ((flags & TraceFlag) != 0)
            {
                // Check validated both: a traceparent of 55 bytes, a tracestate of printable ASCII within its bound.
                var parent = Encoding.ASCII.GetString(reader.ReadBytes(reader.ReadVarUInt32()));
                var stateLength = reader.ReadVarUInt32();
                trace = new TraceContext(parent, stateLength == 0 ? null : Encoding.ASCII.GetString(reader.ReadBytes(stateLength)));
            }

            call = new CallHeader(number, (flags & TransitiveFlag) != 0, trace);
        }

        var delivery = default(DeliveryHeader);
        if ((flags & TrackedFlag) != 0)
        {
            delivery = new DeliveryHeader(ReadNumber(ref reader, "session"), ReadNumber(ref reader, "number"), ReadNumber(ref reader, "predecessor"), ReadNumber(ref reader, "base"));
            if (!delivery.IsTracked)
            {
                throw new InvalidDataException("The acknowledged message names session 0; sessions start at 1.");
            }
        }

        var reference = reader.ReadVarUInt32();
        object? message;
        if (reference == 0)
        {
            message = _objects.Deserialize(ref reader, typeof(object));
        }
        else
        {
            if (types is null)
            {
                throw new InvalidDataException("The frame refers to a numbered message type outside a connection.");
            }

            var id = (reference >> 1) - 1;
            Type type;
            if ((reference & 1) != 0)
            {
                var length = reader.ReadVarUInt32();
                if (length is 0 or > MaxTypeNameBytes)
                {
                    throw new InvalidDataException($"The frame names a message type in {length} bytes; names are 1 to {MaxTypeNameBytes} bytes.");
                }

                type = types.Define(id, reader.ReadBytes(length), this);
            }
            else
            {
                type = types.Get(id);
            }

            message = _objects.Deserialize(ref reader, type);
        }

        if (message is null && (flags & (AnswerFlag | FailureFlag)) != AnswerFlag)
        {
            throw new InvalidDataException("The forwarded message is null; only a call's reply may be.");
        }

        return ForwardEnvelope.Create(target, message, (flags & CastFlag) != 0, call, delivery);
    }

    /// <summary>
    /// Whether the flags make sense together: an answer has no target, is neither cast nor a request, is never
    /// acknowledged and carries no trace header; a failure is an answer; a transitive call and a trace header belong to
    /// a request.
    /// </summary>
    private static bool ValidFlags(byte flags)
    {
        if ((flags & AnswerFlag) != 0)
        {
            return (flags & (CastFlag | NamedFlag | RequestFlag | TransitiveFlag | TrackedFlag | TraceFlag)) == 0;
        }

        return (flags & FailureFlag) == 0 && ((flags & (TransitiveFlag | TraceFlag)) == 0 || (flags & RequestFlag) != 0);
    }

    private static void WriteAscii(ref Writer<FrameBuffer> writer, string text)
    {
        writer.WriteVarUInt32((uint)text.Length);
        writer.EnsureContiguous(text.Length);
        writer.AdvanceSpan(Encoding.ASCII.GetBytes(text, writer.WritableSpan));
    }

    private static long ReadNumber<TInput>(ref Reader<TInput> reader, string what)
    {
        var number = reader.ReadVarUInt64();
        return number > long.MaxValue
            ? throw new InvalidDataException($"The acknowledged message's {what} is {number}; numbers go up to {long.MaxValue}.")
            : (long)number;
    }

    private static long ReadCallNumber<TInput>(ref Reader<TInput> reader)
    {
        var number = reader.ReadVarUInt64();
        return number is 0 or > long.MaxValue
            ? throw new InvalidDataException($"The forwarded message names call number {number}; numbers are 1 to {long.MaxValue}.")
            : (long)number;
    }

    private SerializerSession RentSession()
    {
        if (_session is { } session && ReferenceEquals(_owner, this))
        {
            _session = null;
            return session;
        }

        return _sessions.GetSession();
    }

    private void ReturnSession(SerializerSession session)
    {
        if (_session is null)
        {
            session.Reset();
            _session = session;
            _owner = this;
        }
        else
        {
            session.Dispose();
        }
    }
}

using System.Buffers;
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
/// <para><b>3, relay</b>: a relayed message (<see cref="RelayEnvelope"/>): the origin node's name (a varint length and
/// UTF-8), the relay's number (varint), the destination node's name, the hops left (varint, at most
/// <see cref="MaxRelayHops"/>), then a whole forward body (kind 1) whose message reference is 0 (the message names its
/// type), so that a node that relays it copies those bytes on without decoding them.</para>
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
    private const byte RelayKind = 3; // 2 is the heartbeat (HeartbeatFrame)
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
            else if (message is RelayEnvelope relay)
            {
                WriteRelay(ref writer, relay);
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
    public object Read(in ReadOnlySequence<byte> body, ReceivedTypeTable? types) => Read(body, types, targets: null, default, channel: null, out _);

    /// <summary>
    /// Reads one body that arrived from <paramref name="from"/> on a connection of <paramref name="channel"/>, whose
    /// table of type numbers is <paramref name="types"/> and whose last target other than a name is in
    /// <paramref name="targets"/>: as <see cref="Read(in ReadOnlySequence{byte}, ReceivedTypeTable?)"/>,
    /// except that a forward that is no call's request or answer is read straight into the <see cref="ReceivedMessage"/>
    /// its receiver gets, its target in <see cref="ReceivedMessage.Target"/>, rather than into a
    /// <see cref="ForwardEnvelope"/> that would be copied into one: a received message costs its own objects and that
    /// one. An acknowledged one's numbers come in <paramref name="tracked"/> (<c>default</c> for any other frame), for
    /// the delivery layer to check before it hands the message on.
    /// </summary>
    /// <exception cref="InvalidDataException">As <see cref="Read(in ReadOnlySequence{byte}, ReceivedTypeTable?)"/>.</exception>
    public object Receive(in ReadOnlySequence<byte> body, ReceivedTypeTable types, ReceivedTargetCache targets, NodeName from, string channel, out DeliveryHeader tracked)
        => Read(body, types, targets, from, channel, out tracked);

    private object Read(in ReadOnlySequence<byte> body, ReceivedTypeTable? types, ReceivedTargetCache? targets, NodeName from, string? channel, out DeliveryHeader tracked)
    {
        tracked = default;
        var compact = body.IsSingleSegment ? Check(body) : CpuSlice.Quietly(body, static b => Check(b));
        if (IsRelay(body))
        {
            // Checked whole, forward body included; only the header is decoded here.
            return ReadRelay(body);
        }

        var session = RentSession();
        try
        {
            if (!compact)
            {
                using var stream = new BudgetedInputStream(body);
                var reader = Reader.Create(stream, session);
                return Read(ref reader, new FrameInput(body, types, targets: null, from, channel), out tracked);
            }

            if (body.IsSingleSegment)
            {
                var reader = Reader.Create(body.First, session);
                return Read(ref reader, new FrameInput(body, types, targets, from, channel), out tracked);
            }
            else
            {
                var reader = Reader.Create(body, session);
                return Read(ref reader, new FrameInput(body, types, targets, from, channel), out tracked);
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

    private object Read<TInput>(ref Reader<TInput> reader, in FrameInput input, out DeliveryHeader tracked)
    {
        tracked = default;
        var kind = reader.ReadByte();
        switch (kind)
        {
            case ObjectKind:
                return _objects.Deserialize(ref reader, typeof(object)) ?? throw new InvalidDataException("The frame decoded to null.");
            case ForwardKind:
                return ReadForward(ref reader, input, out tracked);
            default:
                throw new InvalidDataException($"The frame is of unknown kind {kind}.");
        }
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

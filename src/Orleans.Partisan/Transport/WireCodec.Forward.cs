using System.Text;
using Orleans.Serialization.Buffers;

namespace Orleans.Partisan.Transport;

/// <summary>The forward frame (kind 1): a <see cref="ForwardEnvelope"/> laid out by hand, written and read back.</summary>
internal sealed partial class WireCodec
{
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

    /// <summary>
    /// Reads a forward frame's body after its kind byte: a <see cref="ForwardEnvelope"/>, or, for a frame that arrived on
    /// a connection (<see cref="FrameInput.Channel"/>), a forward that is no call's request or answer as the
    /// <see cref="ReceivedMessage"/> its receiver gets, with its numbers in <paramref name="tracked"/> if it is acknowledged
    /// (<c>default</c> otherwise).
    /// </summary>
    private object ReadForward<TInput>(ref Reader<TInput> reader, in FrameInput input, out DeliveryHeader tracked)
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
            target = ReadTarget(ref reader, input);
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
            if (input.Types is not { } types)
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

        var isCast = (flags & CastFlag) != 0;
        if (input.Channel is { } channel && (flags & (AnswerFlag | RequestFlag)) == 0)
        {
            tracked = delivery;
            return new ReceivedMessage(input.From, channel, message!, isCast) { Target = target };
        }

        tracked = default;
        return ForwardEnvelope.Create(target, message, isCast, call, delivery);
    }

    /// <summary>
    /// The envelope an acknowledged forward that <see cref="Receive"/> read as a <see cref="ReceivedMessage"/> (with its
    /// numbers, <paramref name="tracked"/>) would have been read into otherwise: for a path that takes envelopes (an
    /// interposer's).
    /// </summary>
    public static ForwardEnvelope Envelope(ReceivedMessage received, DeliveryHeader tracked)
        => ForwardEnvelope.Create(received.Target!, received.Message, received.IsCast, delivery: tracked);

    /// <summary>A target written by Orleans' serializer; the connection's last one again if the bytes are the same (<see cref="ReceivedTargetCache"/>).</summary>
    private PartisanTarget ReadTarget<TInput>(ref Reader<TInput> reader, in FrameInput input)
    {
        var start = reader.Position;
        if (input.Targets?.Match(input.Body, start, out var length) is { } cached)
        {
            reader.Skip(length);
            return cached;
        }

        var target = _objects.Deserialize(ref reader, typeof(PartisanTarget)) as PartisanTarget
            ?? throw new InvalidDataException("The forwarded message has no target.");
        input.Targets?.Remember(input.Body, start, reader.Position - start, target);
        return target;
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
}

using System.Buffers;

namespace Orleans.Partisan.Transport;

/// <summary>
/// The last target other than a name (a mailbox's <see cref="ProcessRef"/>, a <see cref="GrainTarget"/>) that one inbound
/// connection's forward frames named, with the bytes Orleans' serializer wrote it in: a stream of messages to one
/// mailbox decodes its target once, not once a message.
/// </summary>
/// <remarks>
/// A forward frame writes such a target first of all it serializes, with a fresh serializer session (<see cref="WireCodec"/>),
/// so equal bytes always decode to an equal target of that length; a frame whose target bytes equal the cached ones gets
/// the cached target, which is immutable. The frame was checked whole before it is read, as any other. Used by one
/// connection's read loop only, never concurrently.
/// </remarks>
internal sealed class ReceivedTargetCache
{
    /// <summary>The longest target encoding that is cached; a longer one is decoded every time.</summary>
    public const int MaxBytes = 256;

    private byte[]? _bytes;
    private int _length;
    private PartisanTarget? _target;

    /// <summary>
    /// The cached target if <paramref name="body"/> holds its bytes from <paramref name="offset"/> on, with their
    /// <paramref name="length"/>; otherwise <see langword="null"/>.
    /// </summary>
    public PartisanTarget? Match(in ReadOnlySequence<byte> body, long offset, out int length)
    {
        length = _length;
        if (_target is null || body.Length - offset < _length)
        {
            return null;
        }

        var cached = _bytes.AsSpan(0, _length);
        var rest = body.Slice(offset, _length);
        if (rest.IsSingleSegment)
        {
            return rest.FirstSpan.SequenceEqual(cached) ? _target : null;
        }

        Span<byte> copy = stackalloc byte[MaxBytes];
        rest.CopyTo(copy);
        return copy[.._length].SequenceEqual(cached) ? _target : null;
    }

    /// <summary>Keeps <paramref name="target"/>, decoded from the <paramref name="length"/> bytes of <paramref name="body"/> from <paramref name="offset"/> on, if they are few enough.</summary>
    public void Remember(in ReadOnlySequence<byte> body, long offset, long length, PartisanTarget target)
    {
        if (length is <= 0 or > MaxBytes)
        {
            return;
        }

        _bytes ??= new byte[MaxBytes];
        body.Slice(offset, length).CopyTo(_bytes);
        _length = (int)length;
        _target = target;
    }
}

using System.Text;

namespace Orleans.Partisan.Transport;

/// <summary>
/// The message types an inbound connection's peer has named (see <see cref="SentTypeTable"/>): the
/// receiving side of the numbering, one per connection, used only by its receive loop.
/// </summary>
internal sealed class ReceivedTypeTable
{
    private Type?[] _types = new Type?[8];

    /// <summary>Records that <paramref name="id"/> names the type spelled <paramref name="name"/>; returns the type.</summary>
    /// <exception cref="InvalidDataException">The number is out of range, the name does not resolve, or the number already named another type.</exception>
    public Type Define(uint id, ReadOnlySpan<byte> name, WireCodec codec)
    {
        CheckRange(id);
        var text = Encoding.UTF8.GetString(name);
        if (!codec.TypeConverter.TryParse(text, out var type) || type is null)
        {
            throw new InvalidDataException($"The frame names message type '{text}', which this node cannot resolve.");
        }

        if (id >= _types.Length)
        {
            Array.Resize(ref _types, (int)Math.Min(Math.Max(_types.Length * 2L, id + 1), SentTypeTable.MaxTypes));
        }

        if (_types[id] is { } known && known != type)
        {
            throw new InvalidDataException($"The frame names message type #{id} '{text}', but the connection had named #{id} {known}.");
        }

        _types[id] = type;
        return type;
    }

    /// <summary>The type <paramref name="id"/> names.</summary>
    /// <exception cref="InvalidDataException">The connection never named it.</exception>
    public Type Get(uint id)
    {
        CheckRange(id);
        return (id < _types.Length ? _types[id] : null)
            ?? throw new InvalidDataException($"The frame refers to message type #{id}, which the connection never named.");
    }

    private static void CheckRange(uint id)
    {
        if (id >= SentTypeTable.MaxTypes)
        {
            throw new InvalidDataException($"The frame refers to message type #{id}; numbers stop at {SentTypeTable.MaxTypes - 1}.");
        }
    }
}

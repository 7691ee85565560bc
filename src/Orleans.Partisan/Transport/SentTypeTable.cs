using System.Collections.Concurrent;
using System.Text;
using Orleans.Serialization.TypeSystem;

namespace Orleans.Partisan.Transport;

/// <summary>
/// The message types one outbound connection has named to its peer, so that a frame can refer to
/// its message's type by a small number instead of spelling the type's name every time.
/// </summary>
/// <remarks>
/// A type gets a number the first time a frame of that type is encoded for the connection. Frames
/// carry the type's name beside the number until the writer has taken one of them off the queue
/// (<see cref="Entry.MarkAnnounced"/>): every frame encoded after that is written after it, so the
/// peer has read the name before it reads the bare number. Frames are decoded in order on one
/// connection, so this needs no acknowledgement. A frame is tied to the table it was encoded
/// against; a frame that moves to another connection is encoded again
/// (<see cref="PooledFrame.EncodedFor"/>). At most <see cref="MaxTypes"/> types get a number; any
/// further type is sent self-describing, as Orleans' serializer writes it.
/// </remarks>
internal sealed class SentTypeTable(TypeConverter converter)
{
    /// <summary>The most types a connection numbers; the receiver refuses a number beyond it.</summary>
    public const int MaxTypes = 1024;

    private readonly ConcurrentDictionary<Type, Entry> _entries = new();
    private readonly object _lock = new();
    private int _next;

    /// <summary>The type's entry, numbering it if it is new; null when the table is full.</summary>
    public Entry? Get(Type type)
    {
        if (_entries.TryGetValue(type, out var entry))
        {
            return entry;
        }

        lock (_lock)
        {
            if (_entries.TryGetValue(type, out entry))
            {
                return entry;
            }

            if (_next >= MaxTypes)
            {
                return null;
            }

            entry = new Entry((uint)_next, Encoding.UTF8.GetBytes(converter.Format(type)));
            _next++;
            _entries[type] = entry;
            return entry;
        }
    }

    /// <summary>One numbered type.</summary>
    internal sealed class Entry(uint id, byte[] name)
    {
        private volatile bool _announced;

        /// <summary>The type's number on this connection.</summary>
        public uint Id { get; } = id;

        /// <summary>The type's name as Orleans' type converter formats it, in UTF-8.</summary>
        public byte[] Name { get; } = name;

        /// <summary>Whether a frame carrying the name has been taken by the writer.</summary>
        public bool IsAnnounced => _announced;

        /// <summary>Called by the writer when it takes a frame that carries the name.</summary>
        public void MarkAnnounced() => _announced = true;
    }
}

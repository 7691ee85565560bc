using System.Buffers;
using System.Numerics;

namespace Orleans.Partisan.Transport;

/// <summary>
/// The frame buffers of one outbound connection: a stack of arrays per power-of-two size class
/// (256 B to 1 MiB). A sender rents a buffer for the frame it serializes; the connection's writer
/// loop returns it once the frame is on the socket, and the next sender rents that same array. The
/// shared array pool cannot do this: its caches are per thread and per core, so a batch of frames
/// returned by the writer's thread is mostly dropped and senders on other threads allocate anew.
/// </summary>
/// <remarks>
/// A class holds at most as many arrays as the connection can have frames in flight (its send queue
/// bound, the writer's batch, and one being serialized), and the pool holds at most
/// <see cref="RetainedBytes"/> (or that many of the smallest class, if more) in all, so an idle
/// connection keeps little. Larger arrays, and whatever does not fit, go to <see cref="ArrayPool{T}.Shared"/>.
/// Thread-safe: each class has its own lock, held for a push or a pop.
/// </remarks>
internal sealed class FramePool
{
    /// <summary>The smallest array handed out.</summary>
    public const int MinimumSize = 256;

    /// <summary>The largest array kept; larger ones come from and go back to <see cref="ArrayPool{T}.Shared"/>.</summary>
    public const int MaximumSize = 1024 * 1024;

    /// <summary>The bytes the pool keeps at most, over all classes, unless one class of in-flight frames needs more.</summary>
    public const int RetainedBytes = 2 * 1024 * 1024;

    private static readonly int MinimumShift = BitOperations.Log2(MinimumSize);

    private readonly Bucket[] _buckets;
    private readonly long _retainedLimit;
    private long _retained;

    /// <summary>Creates a pool for a connection that has at most <paramref name="framesInFlight"/> frames at once.</summary>
    public FramePool(int framesInFlight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(framesInFlight, 1);
        _buckets = new Bucket[BitOperations.Log2(MaximumSize) - MinimumShift + 1];
        for (var i = 0; i < _buckets.Length; i++)
        {
            var size = MinimumSize << i;
            _buckets[i] = new Bucket(size, framesInFlight);
        }

        _retainedLimit = Math.Max(RetainedBytes, (long)framesInFlight * MinimumSize);
    }

    /// <summary>The bytes held by the pool now.</summary>
    public long Retained => Volatile.Read(ref _retained);

    /// <summary>An array of at least <paramref name="minimumLength"/> bytes (a power of two, at least <see cref="MinimumSize"/>).</summary>
    public byte[] Rent(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumLength);
        var index = IndexOf(minimumLength);
        if (index >= _buckets.Length)
        {
            return ArrayPool<byte>.Shared.Rent(minimumLength);
        }

        var bucket = _buckets[index];
        var array = bucket.TryPop();
        if (array is null)
        {
            return GC.AllocateUninitializedArray<byte>(bucket.Size);
        }

        Interlocked.Add(ref _retained, -array.Length);
        return array;
    }

    /// <summary>Gives back an array from <see cref="Rent"/>; it must not be used afterwards.</summary>
    public void Return(byte[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        var length = array.Length;
        var index = BitOperations.IsPow2(length) && length >= MinimumSize ? IndexOf(length) : -1;
        if (index < 0 || index >= _buckets.Length)
        {
            ReturnShared(array);
            return;
        }

        if (Interlocked.Add(ref _retained, length) > _retainedLimit)
        {
            Interlocked.Add(ref _retained, -length);
            return;
        }

        if (!_buckets[index].TryPush(array))
        {
            Interlocked.Add(ref _retained, -length);
        }
    }

    /// <summary>How many arrays of <paramref name="size"/> bytes the pool holds (for tests and diagnostics).</summary>
    public int CountOf(int size)
    {
        var index = BitOperations.IsPow2(size) && size >= MinimumSize ? IndexOf(size) : -1;
        return index < 0 || index >= _buckets.Length ? 0 : _buckets[index].Count;
    }

    private static int IndexOf(int length)
        => length <= MinimumSize ? 0 : BitOperations.Log2((uint)length - 1) + 1 - MinimumShift;

    private static void ReturnShared(byte[] array)
    {
        // Only arrays of a size the shared pool hands out may go back to it.
        if (array.Length >= 16 && BitOperations.IsPow2(array.Length))
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    /// <summary>One size class: a stack of arrays that grows as it is used, up to its capacity.</summary>
    private sealed class Bucket(int size, int capacity)
    {
        private readonly object _lock = new();
        private byte[]?[] _items = new byte[]?[Math.Min(capacity, 16)];
        private int _count;

        public int Size { get; } = size;

        public int Count
        {
            get
            {
                lock (_lock)
                {
                    return _count;
                }
            }
        }

        public byte[]? TryPop()
        {
            lock (_lock)
            {
                if (_count == 0)
                {
                    return null;
                }

                var array = _items[--_count];
                _items[_count] = null;
                return array;
            }
        }

        public bool TryPush(byte[] array)
        {
            lock (_lock)
            {
                if (_count >= capacity)
                {
                    return false;
                }

                if (_count == _items.Length)
                {
                    Array.Resize(ref _items, (int)Math.Min((long)_items.Length * 2, capacity));
                }

                _items[_count++] = array;
                return true;
            }
        }
    }
}

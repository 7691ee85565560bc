using System.Numerics;

namespace Orleans.Partisan.Transport;

/// <summary>
/// The frame buffers of one outbound connection. A sender rents a buffer for the frame it serializes;
/// the connection's writer loop returns it once the frame is on the socket, and the next sender rents
/// that same array. The shared array pool cannot do this: its caches are per thread and per core, so
/// a batch of frames returned on the writer's thread is mostly dropped and senders on other threads
/// allocate anew.
/// </summary>
/// <remarks>
/// <para>
/// Up to <see cref="MaximumSize"/>, arrays come in power-of-two size classes from
/// <see cref="MinimumSize"/>, a stack per class. A class holds at most as many arrays as the
/// connection can have frames in flight (its send queue bound, the writer's batch, and one being
/// serialized), and all classes together at most <see cref="RetainedBytes"/>, or that many arrays of
/// the smallest class if more; what does not fit is left to the garbage collector.
/// </para>
/// <para>
/// Larger arrays are sized to the frame (rounded up to <see cref="LargeGranularity"/>). As many are
/// kept as the connection can have large frames in flight, but at most <see cref="LargeRetainedBytes"/>
/// of them; <see cref="LargeFrameHint"/> remembers the last large frame's size, so that the next large
/// frame is serialized into one array of that size instead of growing through ever larger ones, and
/// arrays shorter than that are dropped first.
/// </para>
/// <para>
/// What a burst leaves behind is given back: <see cref="Trim"/>, which the connection calls every
/// <see cref="TrimPeriod"/>, drops the arrays of a class that stayed unused since the previous trim
/// (the fewest the class held at any moment in between), and every large array when no large frame
/// was rented in between. A connection that streamed 8 MiB messages and went quiet therefore holds
/// nothing after two periods, and a steady stream keeps what it uses.
/// </para>
/// Thread-safe: each class has its own lock, held for one push or pop.
/// </remarks>
internal sealed class FramePool
{
    /// <summary>The smallest array handed out.</summary>
    public const int MinimumSize = 256;

    /// <summary>The largest size class; larger arrays are "large" (see the remarks).</summary>
    public const int MaximumSize = 1024 * 1024;

    /// <summary>
    /// The bytes the size classes keep at most, together, unless the in-flight frames of the smallest class need more:
    /// what a connection with the default queue of 1,024 frames has in flight with 16 KiB messages (with the writer's
    /// batch and a frame being serialized, 1,537 arrays of 32 KiB), so that a stream of them that drains and fills its
    /// queue again reuses its buffers. At 16 MiB, each time the queue drained half of them were dropped and the next
    /// burst allocated about 17 MB anew; at 2 MiB, most frames were new. <see cref="Trim"/> gives back what stays unused.
    /// </summary>
    public const int RetainedBytes = 48 * 1024 * 1024;

    /// <summary>The bytes of large arrays kept at most (at least one array is kept, whatever its size).</summary>
    public const int LargeRetainedBytes = 64 * 1024 * 1024;

    /// <summary>Large arrays are allocated in multiples of this.</summary>
    public const int LargeGranularity = 1024 * 1024;

    /// <summary>How often the connection calls <see cref="Trim"/>.</summary>
    public static readonly TimeSpan TrimPeriod = TimeSpan.FromSeconds(30);

    private static readonly int MinimumShift = BitOperations.Log2(MinimumSize);

    private static long _allocatedBytes;

    private readonly Bucket[] _buckets;
    private readonly List<byte[]> _large = [];
    private readonly int _largeCapacity;
    private long _largeRetained;
    private readonly long _retainedLimit;
    private long _retained;
    private int _largeFrameHint;
    private int _frameHint;
    private bool _largeRentedSinceTrim;

    /// <summary>
    /// Creates a pool for a connection that has at most <paramref name="framesInFlight"/> frames at once,
    /// and at most <paramref name="largeFramesInFlight"/> frames larger than <see cref="MaximumSize"/>
    /// (the writer takes those one at a time).
    /// </summary>
    public FramePool(int framesInFlight, int largeFramesInFlight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(framesInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(largeFramesInFlight, 1);
        _largeCapacity = largeFramesInFlight;
        _buckets = new Bucket[BitOperations.Log2(MaximumSize) - MinimumShift + 1];
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = new Bucket(MinimumSize << i, framesInFlight);
        }

        _retainedLimit = Math.Max(RetainedBytes, (long)framesInFlight * MinimumSize);
    }

    /// <summary>
    /// The bytes of all the arrays every pool in the process allocated because it had none to hand
    /// out (for the benchmark, which tells those apart from other allocations on the send path).
    /// </summary>
    public static long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    /// <summary>The bytes held by the size classes now (large arrays not included).</summary>
    public long Retained => Volatile.Read(ref _retained);

    /// <summary>The length of the last frame longer than <see cref="MaximumSize"/>, or 0.</summary>
    public int LargeFrameHint => Volatile.Read(ref _largeFrameHint);

    /// <summary>
    /// An array of at least <paramref name="minimumLength"/> bytes: a power of two (at least
    /// <see cref="MinimumSize"/>) up to <see cref="MaximumSize"/>, a multiple of <see cref="LargeGranularity"/> above.
    /// </summary>
    public byte[] Rent(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumLength);
        if (minimumLength > MaximumSize)
        {
            return RentLarge(minimumLength);
        }

        var bucket = _buckets[IndexOf(minimumLength)];
        var array = bucket.TryPop();
        if (array is null)
        {
            Interlocked.Add(ref _allocatedBytes, bucket.Size);
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
        if (length > MaximumSize)
        {
            ReturnLarge(array);
            return;
        }

        if (length < MinimumSize || !BitOperations.IsPow2(length))
        {
            // Not one of ours (and not a size the shared pool takes either).
            return;
        }

        if (Interlocked.Add(ref _retained, length) > _retainedLimit)
        {
            Interlocked.Add(ref _retained, -length);
            return;
        }

        if (!_buckets[IndexOf(length)].TryPush(array))
        {
            Interlocked.Add(ref _retained, -length);
        }
    }

    /// <summary>
    /// The length of the last frame serialized for this pool, if it was no larger than <see cref="MaximumSize"/>, or 0:
    /// the next frame's buffer starts at that size, so that a stream of messages of one size is serialized into one
    /// array each rather than into a small one that is then replaced by a larger one, its start copied.
    /// </summary>
    public int FrameHint => Volatile.Read(ref _frameHint);

    /// <summary>Notes the length of a frame just serialized, so that the next one starts at that size (a large one, the next large one).</summary>
    public void NoteFrameLength(int length)
    {
        if (length > MaximumSize)
        {
            Volatile.Write(ref _largeFrameHint, length);
        }
        else if (length != Volatile.Read(ref _frameHint))
        {
            Volatile.Write(ref _frameHint, length);
        }
    }

    /// <summary>How many arrays of <paramref name="size"/> bytes the pool holds (for tests and diagnostics).</summary>
    public int CountOf(int size)
    {
        if (size > MaximumSize)
        {
            lock (_large)
            {
                return _large.Count(a => a.Length == size);
            }
        }

        return size >= MinimumSize && BitOperations.IsPow2(size) ? _buckets[IndexOf(size)].Count : 0;
    }

    /// <summary>
    /// Drops the arrays that were not needed since the previous call: in each class as many as it held
    /// throughout (its low-water mark), and every large array unless a large frame was rented meanwhile.
    /// </summary>
    /// <returns>The bytes given back to the garbage collector.</returns>
    public long Trim()
    {
        long released = 0;
        foreach (var bucket in _buckets)
        {
            var bytes = bucket.Trim();
            if (bytes > 0)
            {
                Interlocked.Add(ref _retained, -bytes);
                released += bytes;
            }
        }

        lock (_large)
        {
            if (!_largeRentedSinceTrim)
            {
                released += _largeRetained;
                _large.Clear();
                _largeRetained = 0;
            }

            _largeRentedSinceTrim = false;
        }

        return released;
    }

    private static int IndexOf(int length)
        => length <= MinimumSize ? 0 : BitOperations.Log2((uint)length - 1) + 1 - MinimumShift;

    private byte[] RentLarge(int minimumLength)
    {
        lock (_large)
        {
            _largeRentedSinceTrim = true;

            // The smallest kept array that is long enough.
            var best = -1;
            for (var i = 0; i < _large.Count; i++)
            {
                if (_large[i].Length >= minimumLength && (best < 0 || _large[i].Length < _large[best].Length))
                {
                    best = i;
                }
            }

            if (best >= 0)
            {
                var array = _large[best];
                _large[best] = _large[^1];
                _large.RemoveAt(_large.Count - 1);
                _largeRetained -= array.Length;
                return array;
            }
        }

        var size = (int)Math.Min(((long)minimumLength + LargeGranularity - 1) / LargeGranularity * LargeGranularity, Array.MaxLength);
        Interlocked.Add(ref _allocatedBytes, size);
        return GC.AllocateUninitializedArray<byte>(size);
    }

    private void ReturnLarge(byte[] array)
    {
        lock (_large)
        {
            // Arrays shorter than the last large frame would only be skipped: drop them first.
            var hint = LargeFrameHint;
            if (array.Length < hint)
            {
                return;
            }

            for (var i = _large.Count - 1; i >= 0 && (_large.Count >= _largeCapacity || _largeRetained + array.Length > LargeRetainedBytes); i--)
            {
                if (_large[i].Length < hint)
                {
                    _largeRetained -= _large[i].Length;
                    _large.RemoveAt(i);
                }
            }

            if (_large.Count < _largeCapacity && (_large.Count == 0 || _largeRetained + array.Length <= LargeRetainedBytes))
            {
                _large.Add(array);
                _largeRetained += array.Length;
            }
        }
    }

    /// <summary>One size class: a stack of arrays that grows as it is used, up to its capacity.</summary>
    private sealed class Bucket(int size, int capacity)
    {
        private readonly object _lock = new();
        private const int InitialSlots = 16;
        private byte[]?[] _items = new byte[]?[Math.Min(capacity, InitialSlots)];
        private int _count;
        private int _lowWater;

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
                _lowWater = Math.Min(_lowWater, _count);
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

        /// <summary>Drops the arrays no pop reached since the last trim; returns their bytes.</summary>
        public long Trim()
        {
            lock (_lock)
            {
                var unused = _lowWater;
                if (unused > 0)
                {
                    Array.Clear(_items, _count - unused, unused);
                    _count -= unused;
                    if (_count == 0 && _items.Length > InitialSlots)
                    {
                        _items = new byte[]?[Math.Min(capacity, InitialSlots)];
                    }
                }

                _lowWater = _count;
                return (long)unused * Size;
            }
        }
    }
}

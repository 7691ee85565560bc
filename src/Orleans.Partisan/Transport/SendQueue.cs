namespace Orleans.Partisan.Transport;

/// <summary>
/// The send queue of one outbound connection: a ring of at most <c>capacity</c> frames, drained in
/// batches by the connection's writer loop. When it is full, senders wait (in order) for room.
/// On a monotonic channel a frame with a supersede key replaces a queued frame with an equal key
/// in place, keeping its position, so a key flooded with updates is still sent when the writer
/// reaches it and never starves.
/// </summary>
internal sealed class SendQueue
{
    private readonly object _lock = new();
    private readonly Entry[] _ring;
    private readonly Dictionary<object, long>? _keys;
    private readonly NodeName _peer;
    private readonly KeyValuePair<string, object?> _channelTag;
    private LinkedList<SendQueueWaiter>? _waiters;

    /// <summary>The list <see cref="TakeBatch"/> admits waiting senders into, kept between batches (empty) so that admitting them allocates nothing.</summary>
    private List<SendQueueWaiter>? _admittedSpare;
    private int _head;
    private int _count;
    private long _headSequence;
    private bool _completing;
    private bool _closed;
    private bool _readerWaiting;
    private readonly WriterSignal _readerSignal = new();

    public SendQueue(int capacity, bool monotonic, NodeName peer, string channel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new Entry[capacity];
        _keys = monotonic ? new Dictionary<object, long>() : null;
        _peer = peer;
        Channel = channel;
        _channelTag = new KeyValuePair<string, object?>("channel", channel);
    }

    /// <summary>The lock guarding the queue and its waiting senders.</summary>
    public object SyncRoot => _lock;

    /// <summary>The channel this queue belongs to.</summary>
    public string Channel { get; }

    /// <summary>The frames queued (not counting senders waiting for room).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Whether the writer loop is parked in <see cref="WaitToReadAsync"/> and no one has woken it yet.</summary>
    public bool IsWriterParked
    {
        get
        {
            lock (_lock)
            {
                return _readerWaiting;
            }
        }
    }

    /// <summary>Whether the queue still takes frames.</summary>
    public bool IsOpen => !Volatile.Read(ref _closed) && !Volatile.Read(ref _completing);

    /// <summary>
    /// Queues <paramref name="frame"/>, taking ownership of it unless the result is <see cref="EnqueueStatus.Closed"/>.
    /// When the result is <see cref="EnqueueStatus.Waiting"/>, <paramref name="pending"/> completes once it is queued.
    /// </summary>
    public EnqueueStatus Enqueue(PooledFrame frame, object? supersedeKey, CancellationToken cancellationToken, out ValueTask pending)
    {
        pending = default;
        var key = _keys is null ? null : supersedeKey;
        PooledFrame replaced = default;
        SendQueueWaiter? waiter = null;
        bool wake;
        EnqueueStatus status;
        lock (_lock)
        {
            if (_closed || _completing)
            {
                return EnqueueStatus.Closed;
            }

            if (key is not null && TryReplace(frame, key, out replaced))
            {
                status = EnqueueStatus.Superseded;
                wake = false;
            }
            else if (_count < _ring.Length && (_waiters is null || _waiters.Count == 0))
            {
                Append(frame, key);
                status = EnqueueStatus.Queued;

                // A wake-up this thread holds back (WriterWakeDeferral) leaves the writer marked as waiting: a frame
                // another thread queues meanwhile still wakes it.
                wake = _readerWaiting && !WriterWakeDeferral.TryDefer(this);
                if (wake)
                {
                    _readerWaiting = false;
                }
            }
            else
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    frame.Return();
                    pending = ValueTask.FromCanceled(cancellationToken);
                    return EnqueueStatus.Waiting;
                }

                waiter = new SendQueueWaiter(this, frame, key);
                waiter.Node = (_waiters ??= new LinkedList<SendQueueWaiter>()).AddLast(waiter);
                pending = new ValueTask(waiter.Completion.Task);
                status = EnqueueStatus.Waiting;
                wake = false;
            }
        }

        if (waiter is not null && cancellationToken.CanBeCanceled)
        {
            waiter.Register(cancellationToken);
        }

        if (status == EnqueueStatus.Superseded)
        {
            replaced.Return();
            PartisanMetrics.Superseded.Add(1, _channelTag);
        }

        if (wake)
        {
            _readerSignal.Set(true);
        }

        return status;
    }

    /// <summary>
    /// Moves up to <paramref name="batch"/>.Length frames, at most <paramref name="maxBytes"/> together
    /// (but always at least one), into <paramref name="batch"/>; the caller then owns them. Returns how many.
    /// </summary>
    public int TakeBatch(PooledFrame[] batch, int maxBytes)
    {
        var taken = 0;
        long bytes = 0;
        List<SendQueueWaiter>? admitted = null;
        var superseded = 0;
        lock (_lock)
        {
            while (taken < batch.Length && _count > 0)
            {
                ref var entry = ref _ring[_head];
                if (taken > 0 && bytes + entry.Frame.Length > maxBytes)
                {
                    break;
                }

                batch[taken++] = entry.Frame;
                bytes += entry.Frame.Length;
                if (entry.Key is not null && _keys!.TryGetValue(entry.Key, out var sequence) && sequence == _headSequence)
                {
                    _keys.Remove(entry.Key);
                }

                entry = default;
                _head = (_head + 1) % _ring.Length;
                _headSequence++;
                Volatile.Write(ref _count, _count - 1);
            }

            while (!_closed && _waiters?.First is { } node && _count < _ring.Length)
            {
                _waiters.RemoveFirst();
                var waiter = node.Value;
                waiter.Node = null;
                if (waiter.Key is not null && TryReplace(waiter.Frame, waiter.Key, out var replaced))
                {
                    replaced.Return();
                    superseded++;
                }
                else
                {
                    Append(waiter.Frame, waiter.Key);
                }

                if (admitted is null)
                {
                    admitted = _admittedSpare ?? [];
                    _admittedSpare = null;
                }

                admitted.Add(waiter);
            }
        }

        if (superseded > 0)
        {
            PartisanMetrics.Superseded.Add(superseded, _channelTag);
        }

        if (admitted is not null)
        {
            foreach (var waiter in admitted)
            {
                waiter.Admitted();
            }

            admitted.Clear();
            _admittedSpare = admitted;
        }

        return taken;
    }

    /// <summary>
    /// Waits until there is a frame to take (<see langword="true"/>) or, once the queue is completed and
    /// drained or closed, returns <see langword="false"/>. Only the one writer loop may call this.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_lock)
        {
            if (_count > 0)
            {
                return new ValueTask<bool>(true);
            }

            if (_closed || _completing)
            {
                return new ValueTask<bool>(false);
            }

            _readerWaiting = true;
            return _readerSignal.Arm();
        }
    }

    /// <summary>
    /// Wakes the writer if it is parked while there is a frame to take: one whose wake-up <see cref="WriterWakeDeferral"/>
    /// held back (another thread's frame, or the queue's closing, may have woken it meanwhile).
    /// </summary>
    public void WakeParkedWriter()
    {
        bool wake;
        lock (_lock)
        {
            wake = _readerWaiting && _count > 0;
            if (wake)
            {
                _readerWaiting = false;
            }
        }

        if (wake)
        {
            _readerSignal.Set(true);
        }
    }

    /// <summary>Takes no more frames; what is queued (and waiting for room) is still drained.</summary>
    public void Complete()
    {
        bool wake;
        lock (_lock)
        {
            _completing = true;
            wake = _readerWaiting;
            _readerWaiting = false;
        }

        if (wake)
        {
            _readerSignal.Set(false);
        }
    }

    /// <summary>Drops every queued frame and fails every waiting sender: the connection is gone.</summary>
    public void Close()
    {
        bool wake;
        List<SendQueueWaiter>? failed = null;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            while (_count > 0)
            {
                _ring[_head].Frame.Return();
                _ring[_head] = default;
                _head = (_head + 1) % _ring.Length;
                _headSequence++;
                _count--;
            }

            Volatile.Write(ref _count, 0);
            _keys?.Clear();
            if (_waiters is { Count: > 0 })
            {
                failed = [.. _waiters];
                foreach (var waiter in failed)
                {
                    waiter.Node = null;
                }

                _waiters.Clear();
            }

            wake = _readerWaiting;
            _readerWaiting = false;
        }

        if (failed is not null)
        {
            foreach (var waiter in failed)
            {
                waiter.Fail(new NodeNotConnectedException(_peer, Channel));
            }
        }

        if (wake)
        {
            _readerSignal.Set(false);
        }
    }

    private bool TryReplace(PooledFrame frame, object key, out PooledFrame replaced)
    {
        if (_keys!.TryGetValue(key, out var sequence) && sequence >= _headSequence && sequence < _headSequence + _count)
        {
            ref var entry = ref _ring[(_head + (int)(sequence - _headSequence)) % _ring.Length];
            replaced = entry.Frame;
            entry.Frame = frame;
            return true;
        }

        replaced = default;
        return false;
    }

    private void Append(PooledFrame frame, object? key)
    {
        _ring[(_head + _count) % _ring.Length] = new Entry { Frame = frame, Key = key };
        if (key is not null)
        {
            _keys![key] = _headSequence + _count;
        }

        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Takes a waiting sender out of the list; false if it was already admitted or failed.</summary>
    public bool TryRemoveWaiter(SendQueueWaiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Node is null)
            {
                return false;
            }

            _waiters!.Remove(waiter.Node);
            waiter.Node = null;
            return true;
        }
    }

    private struct Entry
    {
        public PooledFrame Frame;
        public object? Key;
    }
}

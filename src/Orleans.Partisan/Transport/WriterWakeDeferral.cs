namespace Orleans.Partisan.Transport;

/// <summary>
/// Holds back, on one thread and for the length of one piece of work, the wake-ups of the writer loops of the send
/// queues that thread queues frames on: each queue's writer is woken once, when the work ends, and takes every frame
/// of the work in one socket write, instead of being woken by the first frame and racing the thread for the rest
/// (several small writes, each waking the peer's reader).
/// </summary>
/// <remarks>
/// <para>
/// For work that queues frames in a burst and then gives the thread back: the continuation of a sender resumed by an
/// acknowledgement (which sends until its window is full again). A writer that is already awake takes the frames as
/// usual, and a frame queued by another thread wakes a parked writer as usual; only the wake-up this thread would
/// have done waits. A frame queued during the work waits at most as long as the work runs on after queuing it, so
/// work that blocks its thread after queuing a frame (waiting synchronously for that frame's reply, say) holds the
/// frame back until another thread's frame for the same connection wakes the writer, or the connection's heartbeat
/// check does (every half <see cref="PartisanOptions.HeartbeatInterval"/>): the resumed senders are told not to block
/// (docs/messaging.md).
/// </para>
/// <para>
/// <see cref="Begin"/> and <see cref="End"/> pair on one thread; a nested <see cref="Begin"/> returns
/// <see langword="false"/> and its work is part of the outer one. At most <see cref="MaxQueues"/> queues wait per
/// piece of work; a frame for another one wakes its writer at once.
/// </para>
/// </remarks>
internal static class WriterWakeDeferral
{
    /// <summary>The most send queues whose wake-ups one piece of work holds back.</summary>
    internal const int MaxQueues = 8;

    [ThreadStatic]
    private static SendQueue?[]? _queues;

    [ThreadStatic]
    private static int _count;

    [ThreadStatic]
    private static bool _active;

    /// <summary>Starts holding back this thread's writer wake-ups; <see langword="false"/> if it already does (then do not call <see cref="End"/>).</summary>
    public static bool Begin()
    {
        if (_active)
        {
            return false;
        }

        _active = true;
        return true;
    }

    /// <summary>
    /// Called by <paramref name="queue"/> (under its lock) when a frame this thread queued would wake its writer:
    /// <see langword="true"/> if the wake-up is held back until <see cref="End"/>, <see langword="false"/> to wake it now.
    /// </summary>
    public static bool TryDefer(SendQueue queue)
    {
        if (!_active)
        {
            return false;
        }

        var queues = _queues ??= new SendQueue?[MaxQueues];
        var count = _count;
        for (var i = 0; i < count; i++)
        {
            if (ReferenceEquals(queues[i], queue))
            {
                return true;
            }
        }

        if (count == MaxQueues)
        {
            return false;
        }

        queues[count] = queue;
        _count = count + 1;
        return true;
    }

    /// <summary>Stops holding back, and wakes the writers held back (those still parked with frames to take).</summary>
    public static void End()
    {
        var queues = _queues;
        var count = _count;
        _count = 0;
        _active = false;
        for (var i = 0; i < count; i++)
        {
            var queue = queues![i]!;
            queues[i] = null;
            queue.WakeParkedWriter();
        }
    }
}

using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// The ceiling of any send whose sender waits for an answer, measured beside acknowledged forwards: each send
/// allocates a waiter and queues it, a flush scheduled on the thread pool's global queue (as the overlay's
/// acknowledgement flush is) completes every waiter queued so far, and each sender resumes on the thread pool.
/// No serialization, no socket, no tracking: only the hand-off every acknowledged send needs.
/// </summary>
internal sealed class AwaitedHandoff
{
    private readonly ConcurrentQueue<Waiter> _queue = new();
    private int _scheduled;

    /// <summary>One send: completes once a flush has completed it.</summary>
    public ValueTask SendAsync()
    {
        var waiter = new Waiter();
        var pending = waiter.Task;
        _queue.Enqueue(waiter);
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static handoff => handoff.Flush(), this, preferLocal: false);
        }

        return pending;
    }

    private void Flush()
    {
        Volatile.Write(ref _scheduled, 0);
        while (_queue.TryDequeue(out var waiter))
        {
            waiter.Complete();
        }
    }

    private sealed class Waiter : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

        public ValueTask Task => new(this, _core.Version);

        public void Complete() => _core.SetResult(true);

        public void GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);
    }
}

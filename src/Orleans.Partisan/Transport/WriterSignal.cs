using System.Threading.Tasks.Sources;

namespace Orleans.Partisan.Transport;

/// <summary>
/// A reusable, allocation-free wake-up for one waiting writer loop. The owner arms it (under its own
/// lock, remembering that the writer waits) and sets it once; the writer then resumes from the thread
/// pool's global queue.
/// </summary>
/// <remarks>
/// The global queue, not the waking thread's local one: a thread pool thread takes its own local work
/// last in, first out, so a writer woken there by the first of several senders on that thread (the
/// continuations of a batch of replies or acknowledgements, say) would run before the others had queued
/// their frames, and write one frame per socket write. From the global queue it runs once the work queued
/// before it has run, and takes their frames in one write. An idle pool runs it at once on another thread.
/// </remarks>
internal sealed class WriterSignal : IValueTaskSource<bool>, IThreadPoolWorkItem
{
    private ManualResetValueTaskSourceCore<bool> _core;
    private bool _result;

    /// <summary>Prepares a new wait and returns it. The previous wait must have completed and been awaited.</summary>
    public ValueTask<bool> Arm()
    {
        _core.Reset();
        return new ValueTask<bool>(this, _core.Version);
    }

    /// <summary>Completes the armed wait from the thread pool's global queue; call once per <see cref="Arm"/>.</summary>
    public void Set(bool result)
    {
        _result = result;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Runs the writer's continuation on this thread pool thread.</summary>
    void IThreadPoolWorkItem.Execute() => _core.SetResult(_result);

    bool IValueTaskSource<bool>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}

using System.Threading.Tasks.Sources;

namespace Orleans.Partisan.Transport;

/// <summary>
/// A reusable, allocation-free wake-up for one waiting writer loop. The owner arms it (under its own
/// lock, remembering that the writer waits) and sets it once; continuations run on the thread pool.
/// </summary>
internal sealed class WriterSignal : IValueTaskSource<bool>
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

    /// <summary>Prepares a new wait and returns it. The previous wait must have completed and been awaited.</summary>
    public ValueTask<bool> Arm()
    {
        _core.Reset();
        return new ValueTask<bool>(this, _core.Version);
    }

    /// <summary>Completes the armed wait; call once per <see cref="Arm"/>.</summary>
    public void Set(bool result) => _core.SetResult(result);

    bool IValueTaskSource<bool>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}

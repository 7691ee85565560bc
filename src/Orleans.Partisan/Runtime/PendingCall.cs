using System.Threading.Tasks.Sources;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// A call waiting for its reply on the caller's node: where it went, when it times out, and what its caller
/// awaits. Reused from call to call (<see cref="CallTracker"/> keeps a pool), so a call costs no task of its own.
/// </summary>
/// <remarks>
/// Whoever ends a call (its reply, a failure answer, <c>nodedown</c>, its deadline, its cancellation, the node
/// stopping) first takes it out of the tracker's pending calls, and only the one that did completes it; the caller
/// awaits <see cref="Reply"/> once and then gives it back, so a call that is reused was finished with by everyone.
/// </remarks>
internal sealed class PendingCall(CallTracker owner) : IValueTaskSource<object?>
{
    private ManualResetValueTaskSourceCore<object?> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _cancellation;

    /// <summary>The tracker it belongs to.</summary>
    public CallTracker Owner { get; } = owner;

    /// <summary>The call's number (its reference's <see cref="PartisanRef.Id"/>).</summary>
    public long Id { get; private set; }

    /// <summary>The callee's node.</summary>
    public NodeName Node { get; private set; }

    /// <summary>The target on the callee's node.</summary>
    public PartisanTarget Target { get; private set; } = null!;

    /// <summary>How long the caller waits.</summary>
    public TimeSpan Timeout { get; private set; }

    /// <summary>When the call times out, as a timestamp of the tracker's <see cref="TimeProvider"/>; <see cref="long.MaxValue"/> for never.</summary>
    public long Deadline { get; private set; }

    /// <summary>What the caller awaits: the reply, or the exception that ended the call. Awaited once.</summary>
    public ValueTask<object?> Reply => new(this, _core.Version);

    /// <summary>Sets it up for a new call.</summary>
    public void Start(long id, NodeName node, PartisanTarget target, TimeSpan timeout, long deadline)
    {
        (Id, Node, Target, Timeout, Deadline) = (id, node, target, timeout, deadline);
    }

    /// <summary>Ends the call when <paramref name="cancellationToken"/> is cancelled (the tracker decides how).</summary>
    public void WatchCancellation(CancellationToken cancellationToken, Action<object?, CancellationToken> onCancelled)
        => _cancellation = cancellationToken.UnsafeRegister(onCancelled, this);

    public void Complete(object? response) => _core.SetResult(response);

    public void Fail(Exception exception) => _core.SetException(exception);

    /// <summary>Makes it ready for the next call: the cancellation is no longer watched (a callback running now has ended).</summary>
    public void Reset()
    {
        _cancellation.Dispose();
        _cancellation = default;
        _core.Reset();
        Target = null!;
    }

    object? IValueTaskSource<object?>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<object?>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<object?>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}

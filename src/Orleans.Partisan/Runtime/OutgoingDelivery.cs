using System.Threading.Tasks.Sources;
using Orleans.Partisan.Protocols.Delivery;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// An acknowledged or causal message this node sent, kept by the ack tracker until acknowledged, and what its
/// sender awaits: the send's own task (<see cref="WaitAsync"/>), so an acknowledged send costs no task and no
/// task completion source besides this object.
/// </summary>
internal sealed class OutgoingDelivery(PartisanTarget target, object message, bool isCast, string channel, int? partitionKey, bool transitive, string? label, CausalStamp? causal, bool awaited, CallHeader call) : IValueTaskSource
{
    private static readonly Action<object?, CancellationToken> CancelledCallback = static (state, token) => ((OutgoingDelivery)state!).TrySetException(new OperationCanceledException(token));

    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _cancellation;
    private int _ended;

    public PartisanTarget Target { get; } = target;

    /// <summary>The message; <see langword="null"/> once a causal message turned out not to be serializable (see <see cref="DeliveryEnvelope.Payload"/>).</summary>
    public object? Message { get; set; } = message;

    public bool IsCast { get; } = isCast;

    public string Channel { get; } = channel;

    public int? PartitionKey { get; } = partitionKey;

    public bool Transitive { get; } = transitive;

    public string? Label { get; } = label;

    public CausalStamp? Causal { get; } = causal;

    /// <summary>Whether its sender waits for the acknowledgement (<see cref="ForwardOptions.Ack"/>); a causal message without it has no one waiting.</summary>
    public bool IsAwaited { get; } = awaited;

    /// <summary>The call it is the request of, if any.</summary>
    public CallHeader Call { get; } = call;

    /// <summary>
    /// The copy to send with <paramref name="stamp"/>: the message itself with a <see cref="DeliveryHeader"/> when it has no
    /// causal label (nothing is wrapped), otherwise a <see cref="DeliveryEnvelope"/> carrying its causal stamp too.
    /// </summary>
    public ForwardEnvelope Envelope(AckStamp stamp) => Label is null
        ? ForwardEnvelope.Create(Target, Message, IsCast, Call, new DeliveryHeader(stamp.Session, stamp.Sequence, stamp.Predecessor, stamp.Base))
        : ForwardEnvelope.Create(Target, new DeliveryEnvelope(stamp, Label, Causal, Message), IsCast, Call);

    /// <summary>
    /// What the sender awaits (once): completes when the message is acknowledged, fails when it times out or its
    /// node goes down, or when <paramref name="cancellationToken"/> is cancelled (the message is still tracked).
    /// Only for an <see cref="IsAwaited"/> message.
    /// </summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(CancelledCallback, this);
        }

        return new ValueTask(this, _core.Version);
    }

    /// <summary>
    /// Tells the sender it was acknowledged, running its continuation on this thread (unless it awaits with a
    /// scheduling context of its own); false if no one waits or its wait ended already. Only from a thread-pool work
    /// item that completes a batch of senders (see <see cref="DeliveryLayer"/>'s acknowledgement handling), never
    /// from a connection's loop or under a lock.
    /// </summary>
    public bool TrySetResultInline()
    {
        if (!TryEnd())
        {
            return false;
        }

        // Set by the one caller that ended the wait, before it signals: nothing else reads it meanwhile.
        _core.RunContinuationsAsynchronously = false;
        _core.SetResult(true);
        return true;
    }

    /// <summary>Tells the sender its wait failed; false if no one waits or its wait ended already.</summary>
    public bool TrySetException(Exception exception)
    {
        if (!TryEnd())
        {
            return false;
        }

        Fail(exception);
        return true;
    }

    /// <summary>
    /// Ends the sender's wait, to be told with <see cref="Fail"/> once what its failure is reported by (a log, a metric) is
    /// done, so that a sender that sees the failure sees its report too; false if no one waits or its wait ended already.
    /// </summary>
    public bool TryEnd()
    {
        return IsAwaited && Interlocked.Exchange(ref _ended, 1) == 0;
    }

    /// <summary>Tells the sender whose wait <see cref="TryEnd"/> ended that it failed.</summary>
    public void Fail(Exception exception) => _core.SetException(exception);

    /// <summary>Called by the sender's await once it ended; the cancellation is no longer watched.</summary>
    void IValueTaskSource.GetResult(short token)
    {
        _cancellation.Unregister();
        _core.GetResult(token);
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}

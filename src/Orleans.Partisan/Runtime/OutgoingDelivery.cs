using System.Threading.Tasks.Sources;
using Orleans.Partisan.Protocols.Delivery;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// An acknowledged or causal message this node sent, kept by the ack tracker until acknowledged, and what its
/// sender awaits: the send's own task (<see cref="WaitAsync"/>), so an acknowledged send costs no task and no
/// task completion source besides this object.
/// </summary>
/// <remarks>
/// <para>
/// An acknowledged message without a causal label is <em>pooled</em> (<see cref="OutgoingDeliveryPool"/>) and is its
/// own forward envelope: it carries its <see cref="DeliveryHeader"/> (<see cref="Stamped"/>), so a copy sent on a
/// connection costs no envelope of its own, and a send in the steady state allocates nothing. A causal message is not
/// pooled and goes as a new envelope with a <see cref="DeliveryEnvelope"/> per copy.
/// </para>
/// <para>
/// A pooled object goes back to its pool when the last of its holders lets go (<see cref="Release"/>): the tracker
/// (its entry, handed on to whatever list took it out: an acknowledgement's batch, a failure's or timeout's list), its
/// sender (until the await's result is read, <see cref="IValueTaskSource.GetResult"/>), and every list of copies to
/// send again (<see cref="AddRef"/>). A holder that never lets go (a sender that never awaits) leaves it to the
/// collector; one that lets go twice throws, since a second use could then be completed by the first one's holders.
/// </para>
/// </remarks>
internal sealed class OutgoingDelivery : ForwardEnvelope, IValueTaskSource
{
    private static readonly Action<object?, CancellationToken> CancelledCallback = static (state, token) => ((OutgoingDelivery)state!).TrySetException(new OperationCanceledException(token));

    private readonly OutgoingDeliveryPool? _pool;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _cancellation;
    private DeliveryHeader _header;
    private CallHeader _call;
    private int _ended;
    private int _consumed;
    private int _refs;

    /// <summary>A causal message (or one of any kind, in a test): not pooled.</summary>
    public OutgoingDelivery(PartisanTarget target, object message, bool isCast, string channel, int? partitionKey, bool transitive, string? label, CausalStamp? causal, bool awaited, CallHeader call)
        : base(target, message, isCast)
    {
        Channel = channel;
        PartitionKey = partitionKey;
        Transitive = transitive;
        Label = label;
        Causal = causal;
        IsAwaited = awaited;
        _call = call;
    }

    /// <summary>An empty object of <paramref name="pool"/>, started by <see cref="Start"/>.</summary>
    public OutgoingDelivery(OutgoingDeliveryPool pool)
        : base(null!, null, false)
    {
        _pool = pool;
        Channel = PartisanChannels.Default;
    }

    public string Channel { get; private set; }

    public int? PartitionKey { get; private set; }

    public bool Transitive { get; private set; }

    public string? Label { get; }

    public CausalStamp? Causal { get; }

    /// <summary>Whether its sender waits for the acknowledgement (<see cref="ForwardOptions.Ack"/>); a causal message without it has no one waiting.</summary>
    public bool IsAwaited { get; private set; }

    /// <summary>Whether it goes back to a pool once its holders let go.</summary>
    public bool IsPooled => _pool is not null;

    /// <summary>The holders of a pooled object (0 in its pool); for tests.</summary>
    public int References => Volatile.Read(ref _refs);

    /// <summary>The call it is the request of, if any.</summary>
    public override CallHeader Call => _call;

    /// <summary>The numbers of the copy being sent (see <see cref="Stamped"/>).</summary>
    public override DeliveryHeader Delivery => _header;

    /// <summary>
    /// Makes a pooled object the acknowledged message given, held by the tracker and its sender (two references).
    /// Only for an object just taken from its pool.
    /// </summary>
    public void Start(PartisanTarget target, object message, bool isCast, string channel, int? partitionKey, bool transitive, CallHeader call)
    {
        Target = target;
        Message = message;
        IsCast = isCast;
        Channel = channel;
        PartitionKey = partitionKey;
        Transitive = transitive;
        IsAwaited = true;
        _call = call;
        _header = default;
        _ended = 0;
        _consumed = 0;
        _cancellation = default;
        _core.Reset();
        _core.RunContinuationsAsynchronously = true;
        Volatile.Write(ref _refs, 2);
    }

    /// <summary>The message is given up (its holders all let go): it forgets its message and target, to be started again.</summary>
    public void Clear()
    {
        Target = null!;
        Message = null;
        _call = default;
        _header = default;
    }

    /// <summary>The message's envelope for a causal placeholder: its message is dropped (a causal message only).</summary>
    public void DropMessage() => Message = null;

    /// <summary>
    /// The copy to send with <paramref name="stamp"/>, as a new envelope: the message itself with a
    /// <see cref="DeliveryHeader"/> when it has no causal label, otherwise a <see cref="DeliveryEnvelope"/> carrying its
    /// causal stamp too. For copies that may be kept after they are handed on (relayed, or held by an interposer).
    /// </summary>
    public ForwardEnvelope Envelope(AckStamp stamp) => Label is null
        ? Create(Target, Message, IsCast, Call, new DeliveryHeader(stamp.Session, stamp.Sequence, stamp.Predecessor, stamp.Base))
        : Create(Target, new DeliveryEnvelope(stamp, Label, Causal, Message), IsCast, Call);

    /// <summary>
    /// This object as the envelope of a copy stamped <paramref name="stamp"/>, for a transport that encodes it at once
    /// and keeps no reference (a message without a causal label only). Copies sent at once by two threads share the
    /// header: the stamps differ in their base only, which either copy may carry.
    /// </summary>
    public ForwardEnvelope Stamped(AckStamp stamp)
    {
        _header = new DeliveryHeader(stamp.Session, stamp.Sequence, stamp.Predecessor, stamp.Base);
        return this;
    }

    /// <summary>One more holder (a list of copies to send again, taken under the delivery lock while the tracker holds it).</summary>
    public void AddRef()
    {
        if (_pool is not null)
        {
            Interlocked.Increment(ref _refs);
        }
    }

    /// <summary>A holder lets go; true when it was the last one of a pooled object, which then goes back to its pool (the caller's to return).</summary>
    /// <exception cref="InvalidOperationException">It was let go more often than held.</exception>
    public bool Release()
    {
        if (_pool is null)
        {
            return false;
        }

        var left = Interlocked.Decrement(ref _refs);
        return left >= 0 ? left == 0 : throw new InvalidOperationException("A pooled acknowledged send was released more often than it was held.");
    }

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

    /// <summary>
    /// Called by the sender's await once it ended: the cancellation is no longer watched (a callback running now is
    /// waited for), and the sender lets go of a pooled object (the first time only, and only for the current use).
    /// </summary>
    void IValueTaskSource.GetResult(short token)
    {
        var first = token == _core.Version && Interlocked.Exchange(ref _consumed, 1) == 0;
        if (first)
        {
            _cancellation.Dispose();
        }

        try
        {
            _core.GetResult(token);
        }
        finally
        {
            if (first)
            {
                _pool?.Release(this);
            }
        }
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}

using Microsoft.Extensions.Logging;
using Orleans.Partisan.Protocols.Delivery;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// Acknowledged and causal delivery (<see cref="ForwardOptions.Ack"/>, <see cref="ForwardOptions.CausalLabel"/>)
/// for one node. It drives the pure cores under one lock: the <see cref="AckTracker{T}"/> (messages this node
/// sent, until acknowledged), the <see cref="AckReceiver{T}"/> (de-duplication and per-key order of what
/// arrives) and the <see cref="CausalBuffer{T}"/>; it does the I/O around them outside the lock.
/// </summary>
/// <remarks>
/// <para>
/// A tracked message travels as an ordinary forward envelope with its numbers in a <see cref="DeliveryHeader"/>
/// (a causal one as a <see cref="DeliveryEnvelope"/> inside it, with its label and stamp), on the channel and lane
/// the caller asked for (relayed when the caller asked for <see cref="ForwardOptions.Transitive"/> and there is no
/// connection), and <see cref="LocalDispatcher"/> hands it here before its target sees it.
/// Acknowledgements travel back as <see cref="DeliveryAck"/> messages to the sender's receiver
/// <see cref="AckReceiverName"/>, forwarded transitively, so they find their way back whichever way the
/// message came.
/// </para>
/// <para>
/// Deliveries leave the lock in the order the cores release them and are made by one caller at a time
/// (<see cref="Drain"/>), so the causal and key orders the cores decide are the orders targets see. A message
/// is acknowledged once its target has it: handed to its receiver or mailbox, or its grain call returned.
/// </para>
/// </remarks>
internal sealed partial class DeliveryLayer : IAsyncDisposable
{
    /// <summary>The receiver every node takes acknowledgements on; reserved.</summary>
    public const string AckReceiverName = "partisan.ack";

    private const int RememberedDepartures = 1024;
    private const int MinPooled = 64;
    private const int MaxPooled = 4096;
    private static readonly PartisanTarget AckTarget = PartisanTarget.Named(AckReceiverName);
    private static readonly ForwardOptions AckOptions = new() { Transitive = true };

    private readonly Lock _lock = new();
    private readonly NodeName _self;
    private readonly DeliveryOptions _options;
    private readonly bool _membersLeave;
    private readonly IReadOnlyDictionary<string, ChannelOptions> _channels;
    private readonly OverlayTransport _transport;
    private readonly TransitiveRelay _relay;
    private readonly LocalDispatcher _dispatcher;
    private readonly Func<NodeName, PartisanTarget, object, ForwardOptions, ValueTask> _forward;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly ILogger _logger;
    private readonly AckTracker<OutgoingDelivery> _tracker;
    private readonly OutgoingDeliveryPool _pool;
    private readonly AckReceiver<IncomingDelivery> _receiver;
    private readonly CausalBuffer<IncomingDelivery> _causal;
    private readonly Dictionary<NodeName, TaskCompletionSource> _room = [];
    private readonly HashSet<NodeName> _departed = [];
    private readonly Queue<NodeName> _departedOrder = new();
    private readonly IDisposable _registration;
    private readonly ITimer _timer;
    private HashSet<NodeName> _members = [];
    private bool _disposed;

    /// <summary>
    /// Creates the layer and registers its acknowledgement receiver; <c>forward</c> is the node's own
    /// <see cref="IPartisan.ForwardMessageAsync(NodeName, PartisanTarget, object, ForwardOptions, CancellationToken)"/>, for acknowledgements. When <c>membersLeave</c> (a full
    /// mesh), a member that is gone from <see cref="OnMembersChanged"/> has left.
    /// </summary>
    public DeliveryLayer(
        NodeName self,
        DeliveryOptions options,
        bool membersLeave,
        IReadOnlyDictionary<string, ChannelOptions> channels,
        OverlayTransport transport,
        TransitiveRelay relay,
        LocalDispatcher dispatcher,
        Func<NodeName, PartisanTarget, object, ForwardOptions, ValueTask> forward,
        TimeProvider time,
        ILogger logger)
    {
        _self = self;
        _options = options;
        _membersLeave = membersLeave;
        _channels = channels;
        _transport = transport;
        _relay = relay;
        _dispatcher = dispatcher;
        _forward = forward;
        _time = time;
        _start = time.GetTimestamp();
        _logger = logger;
        _tracker = new AckTracker<OutgoingDelivery>(options.MaxUnackedMessages, options.RetransmitInterval);
        _pool = new OutgoingDeliveryPool(Math.Clamp(options.MaxUnackedMessages, MinPooled, MaxPooled));
        _receiver = new AckReceiver<IncomingDelivery>(options.MaxUnackedMessages);
        _causal = new CausalBuffer<IncomingDelivery>(self, options.MaxCausalBuffered);
        _deliveredPerAck = Math.Clamp(options.MaxUnackedMessages / 4, 1, MaxDeliveredPerAck);
        _registration = dispatcher.Register(AckReceiverName, OnAck);
        var period = TimeSpan.FromTicks(Math.Clamp(options.RetransmitInterval.Ticks / 4, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        _timer = time.CreateTimer(static state => ((DeliveryLayer)state!).OnTimer(), this, period, period);
    }

    private TimeSpan Now => _time.GetElapsedTime(_start);

    /// <summary>Acknowledged and causal messages sent and not yet acknowledged, to every destination (a gauge reads it).</summary>
    public int UnackedCount
    {
        get
        {
            lock (_lock)
            {
                return _tracker.TotalOutstanding;
            }
        }
    }

    /// <summary>
    /// Sends an acknowledged or causal message (the caller checked the channel, and the node unless transitive):
    /// completes when it is acknowledged (with <see cref="ForwardOptions.Ack"/>) or handed to the transport.
    /// </summary>
    /// <remarks>
    /// The common case (room in the window, the copy queued at once) runs without an asynchronous method: the
    /// returned task is the message's own (<see cref="OutgoingDelivery.WaitAsync"/>).
    /// </remarks>
    public ValueTask SendAsync(NodeName node, PartisanTarget target, object message, ForwardOptions options, bool isCast, CallHeader call, CancellationToken cancellationToken)
    {
        var label = options.CausalLabel;
        if (label is not null && string.IsNullOrWhiteSpace(label))
        {
            throw new ArgumentException("A causal label must not be empty or blank.", nameof(options));
        }

        var channel = options.Channel ?? PartisanChannels.Default;
        if (node == _self)
        {
            return SendToSelfAsync(target, message, options, isCast, call, channel, cancellationToken);
        }

        if (options.Ack && _options.FailOnNodeDown && !options.Transitive && !_transport.IsConnected(node))
        {
            throw Failed(node, new AckNodeDownException(node, NodeDownReason.NotConnected), "ack-node-down");
        }

        var now = Now;
        var deadline = options.Ack && _options.AckTimeout != Timeout.InfiniteTimeSpan ? now + _options.AckTimeout : (TimeSpan?)null;
        if (!TryTrack(node, target, message, options, isCast, call, channel, now, deadline, out var outgoing, out var stamp, out var room))
        {
            return SendWhenRoomAsync(node, target, message, options, isCast, call, channel, deadline, room, cancellationToken);
        }

        var transmitted = TransmitAsync(node, outgoing, stamp, cancellationToken);
        if (!transmitted.IsCompletedSuccessfully)
        {
            return WaitAsync(transmitted, outgoing, cancellationToken);
        }

        return outgoing.IsAwaited ? outgoing.WaitAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    /// <summary>The window to <paramref name="node"/> is full: waits for an acknowledgement (or a failure) to make room, then sends.</summary>
    private async ValueTask SendWhenRoomAsync(NodeName node, PartisanTarget target, object message, ForwardOptions options, bool isCast, CallHeader call, string channel, TimeSpan? deadline, Task room, CancellationToken cancellationToken)
    {
        OutgoingDelivery outgoing;
        AckStamp stamp;
        do
        {
            var wait = deadline is { } due ? due - Now : Timeout.InfiniteTimeSpan;
            try
            {
                await room.WaitAsync(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw Failed(node, new AckTimeoutException(node, _options.AckTimeout), "ack-timeout");
            }
        }
        while (!TryTrack(node, target, message, options, isCast, call, channel, Now, deadline, out outgoing, out stamp, out room));

        await WaitAsync(TransmitAsync(node, outgoing, stamp, cancellationToken), outgoing, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for the copy to be queued, then for the acknowledgement if the sender waits for it.</summary>
    private static async ValueTask WaitAsync(ValueTask transmitted, OutgoingDelivery outgoing, CancellationToken cancellationToken)
    {
        await transmitted.ConfigureAwait(false);
        if (outgoing.IsAwaited)
        {
            await outgoing.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes the message into the tracker (stamping it first if causal, under the same lock, so causal numbers
    /// and ack numbers are given in one order); false with a task to wait on when the window is full.
    /// </summary>
    private bool TryTrack(NodeName node, PartisanTarget target, object message, ForwardOptions options, bool isCast, CallHeader call, string channel, TimeSpan now, TimeSpan? deadline, out OutgoingDelivery outgoing, out AckStamp stamp, out Task room)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_departed.Contains(node))
            {
                throw Failed(node, new AckNodeDownException(node, NodeDownReason.Left), "ack-node-down");
            }

            // A causal message takes its stamp only once there is room; any other is numbered by the tracker's one
            // look-up, which refuses it when the window is full.
            var label = options.CausalLabel;
            if (label is null)
            {
                // Started once tracked: nothing else sees it before this lock is left.
                outgoing = _pool.Rent();
                if (_tracker.TryTrack(node, outgoing, OrderKeyOf(channel, options.PartitionKey), pinned: false, now, deadline, out stamp))
                {
                    outgoing.Start(target, message, isCast, channel, options.PartitionKey, options.Transitive, call);
                    room = Task.CompletedTask;
                    return true;
                }

                _pool.Return(outgoing);
            }
            else if (_tracker.HasRoom(node))
            {
                outgoing = new OutgoingDelivery(target, message, isCast, channel, options.PartitionKey, options.Transitive, label, _causal.Stamp(label, node), options.Ack, call);
                if (_tracker.TryTrack(node, outgoing, OrderKeyOf(channel, options.PartitionKey), pinned: true, now, deadline, out stamp))
                {
                    room = Task.CompletedTask;
                    return true;
                }
            }

            if (!_room.TryGetValue(node, out var waiter))
            {
                _room[node] = waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            (outgoing, stamp, room) = (null!, default, waiter.Task);
            return false;
        }
    }

    /// <summary>
    /// Acknowledged messages keep their order per channel and partition key, and per channel when it has one
    /// lane (where the transport keeps them in order too); messages spread over several lanes have no order.
    /// </summary>
    private OrderKey? OrderKeyOf(string channel, int? partitionKey)
        => partitionKey is not null || _channels[channel].Parallelism == 1 ? new OrderKey(channel, partitionKey) : null;

    /// <summary>
    /// Sends one copy; a copy that cannot go now is left to the retransmissions. Without an asynchronous method unless
    /// the send queue is full (the common case costs no state machine).
    /// </summary>
    private ValueTask TransmitAsync(NodeName node, OutgoingDelivery outgoing, AckStamp stamp, CancellationToken cancellationToken)
    {
        ValueTask pending;
        try
        {
            pending = Send(node, outgoing, stamp, cancellationToken);
        }
        catch (Exception exception) when (exception is NodeNotConnectedException or MessageSerializationException or MessageTooLargeException)
        {
            NotSent(node, outgoing, stamp, (PartisanException)exception);
            return ValueTask.CompletedTask;
        }

        return pending.IsCompletedSuccessfully ? ValueTask.CompletedTask : AwaitTransmittedAsync(node, outgoing, stamp, pending);
    }

    /// <summary>The send queue was full: waits for the copy to be queued (a caller that gives up gets its cancellation; the message is still tracked and goes with the retransmissions).</summary>
    private async ValueTask AwaitTransmittedAsync(NodeName node, OutgoingDelivery outgoing, AckStamp stamp, ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NodeNotConnectedException or MessageSerializationException or MessageTooLargeException)
        {
            NotSent(node, outgoing, stamp, (PartisanException)exception);
        }
    }

    /// <summary>
    /// A copy did not go. Not connected: kept, sent again when the connection comes back (or by the retransmit timer when
    /// relayed). Not serializable or too large: it can never be sent, and the sender is told (thrown); a causal message keeps
    /// its place in the causal order as an empty placeholder.
    /// </summary>
    private void NotSent(NodeName node, OutgoingDelivery outgoing, AckStamp stamp, PartisanException exception)
    {
        if (exception is NodeNotConnectedException)
        {
            return;
        }

        lock (_lock)
        {
            if (outgoing.Label is null)
            {
                if (_tracker.Withdraw(node, stamp.Sequence))
                {
                    _pool.Release(outgoing);
                }
            }
            else
            {
                outgoing.DropMessage();
            }
        }

        if (outgoing.Label is { } label)
        {
            DeliveryLog.CausalPlaceholder(_logger, label, node, exception.Message);
            Retransmit(node, outgoing, stamp);
        }

        throw Failed(node, exception, "rejected");
    }

    /// <summary>
    /// Sends one copy: a pooled message is its own envelope when the transport encodes it at once (see
    /// <see cref="OverlayTransport.KeepsMessages"/>); a relayed copy, or one an interposer may hold, is an envelope of its own.
    /// </summary>
    private ValueTask Send(NodeName node, OutgoingDelivery outgoing, AckStamp stamp, CancellationToken cancellationToken)
    {
        if (outgoing.Transitive && !_transport.IsConnected(node))
        {
            _relay.Start(node, outgoing.Channel, outgoing.Envelope(stamp));
            return ValueTask.CompletedTask;
        }

        var envelope = outgoing.IsPooled && !_transport.KeepsMessages ? outgoing.Stamped(stamp) : outgoing.Envelope(stamp);
        return _transport.SendAsync(node, outgoing.Channel, envelope, outgoing.PartitionKey, supersedeKey: null, cancellationToken);
    }

    /// <summary>Sends a copy again without waiting (a full queue is waited on beside the caller). Never throws: it runs on timers and the thread pool.</summary>
    private void Retransmit(NodeName node, OutgoingDelivery outgoing, AckStamp stamp)
    {
        try
        {
            var pending = Send(node, outgoing, stamp, CancellationToken.None);
            PartisanMetrics.Retransmitted.Add(1);
            if (!pending.IsCompletedSuccessfully)
            {
                _ = ObserveAsync(node, pending);
            }
        }
        catch (Exception exception)
        {
            // Not connected, or the node is stopping: the copy goes with a later retransmission, or not at all.
            DeliveryLog.CopyNotSent(_logger, node, exception.Message);
        }
    }

    private async Task ObserveAsync(NodeName node, ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            DeliveryLog.CopyNotSent(_logger, node, exception.Message);
        }
    }

    private async ValueTask SendToSelfAsync(PartisanTarget target, object message, ForwardOptions options, bool isCast, CallHeader call, string channel, CancellationToken cancellationToken)
    {
        IncomingDelivery item;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var label = options.CausalLabel;
            item = new IncomingDelivery(
                _self,
                channel,
                target,
                message,
                isCast,
                Session: 0,
                Sequence: 0,
                label,
                label is null ? null : _causal.Stamp(label, _self),
                options.Ack ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null,
                call);
            Accept(item);
        }

        Drain();
        if (item.Delivered is { } delivered)
        {
            await delivered.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private PartisanException Failed(NodeName node, PartisanException exception, string reason)
    {
        RuntimeLog.SendFailed(_logger, node, exception.Message);
        PartisanMetrics.Undeliverable.Add(1, new System.Diagnostics.TagList { { "reason", reason } });
        return exception;
    }
}

using System.Diagnostics.Metrics;

namespace Orleans.Partisan;

/// <summary>
/// The one <see cref="Meter"/> of the overlay and the names of its instruments.
/// </summary>
/// <remarks>
/// Tag values are bounded: channel names (configured) and reason words, never a peer's name. The observable gauges
/// carry the local node's name (tag <c>node</c>): one value per node of the process. The names of the meter, the
/// activity source and the spans are in <see cref="PartisanTelemetry"/>.
/// </remarks>
public static class PartisanMetrics
{
    /// <summary>The name of the overlay's meter.</summary>
    public const string MeterName = PartisanTelemetry.MeterName;

    /// <summary>Messages handed to a connection's send queue.</summary>
    public const string MessagesSent = "partisan.messages.sent";

    /// <summary>Messages read off connections and dispatched.</summary>
    public const string MessagesReceived = "partisan.messages.received";

    /// <summary>Messages that could not be delivered (unknown node, target or channel; handler failure). Tag <c>reason</c>.</summary>
    public const string MessagesUndeliverable = "partisan.messages.undeliverable";

    /// <summary>Queued messages on monotonic channels replaced by a newer one before they were sent.</summary>
    public const string MessagesSuperseded = "partisan.messages.superseded";

    /// <summary>
    /// Messages dropped on purpose by an <see cref="IPartisanInterposer"/> (fault injection), on send or
    /// on receive. Tags <c>reason</c> (<c>injected</c>), <c>direction</c> (<c>send</c> or <c>receive</c>)
    /// and <c>channel</c>.
    /// </summary>
    public const string MessagesDropped = "partisan.messages.dropped";

    /// <summary>Acknowledged (and causal) messages whose delivery their sender learned of, counted at the sender.</summary>
    public const string MessagesAcked = "partisan.messages.acked";

    /// <summary>
    /// Copies of acknowledged (and causal) messages sent again: unacknowledged for a retransmit interval, or
    /// outstanding when a lost connection came back. Counted at the sender.
    /// </summary>
    public const string MessagesRetransmitted = "partisan.messages.retransmitted";

    /// <summary>
    /// Copies of acknowledged (and causal) messages a receiver dropped because it had delivered them already,
    /// or was delivering them. Tag <c>reason</c> (<c>delivered</c>, <c>in-progress</c>, <c>old-session</c>).
    /// </summary>
    public const string MessagesDuplicate = "partisan.messages.duplicates";

    /// <summary>Causal messages that had to wait on their receiver for a predecessor (labels are not a tag: they are unbounded).</summary>
    public const string MessagesCausalBuffered = "partisan.messages.causal_buffered";

    /// <summary>Causal messages refused because their label's buffer was full (<see cref="DeliveryOptions.MaxCausalBuffered"/>); their senders retransmit them.</summary>
    public const string MessagesCausalOverflow = "partisan.messages.causal_overflow";

    /// <summary>Bytes written to overlay connections.</summary>
    public const string BytesSent = "partisan.bytes.sent";

    /// <summary>Bytes read from overlay connections.</summary>
    public const string BytesReceived = "partisan.bytes.received";

    /// <summary>Connections opened (outbound and inbound). Tag <c>direction</c>.</summary>
    public const string ConnectionsOpened = "partisan.connections.opened";

    /// <summary>Connections closed. Tag <c>reason</c>.</summary>
    public const string ConnectionsClosed = "partisan.connections.closed";

    /// <summary>Connections refused at the handshake (wrong cluster, wrong node, bad frame; with TLS, a refused certificate or a peer without TLS). Tag <c>reason</c>.</summary>
    public const string ConnectionsRefused = "partisan.connections.refused";

    /// <summary>Messages of the broadcast layer sent. Tag <c>kind</c> (<c>gossip</c>, <c>ihave</c>, <c>graft</c>, <c>prune</c>).</summary>
    public const string BroadcastMessagesSent = "partisan.broadcast.messages.sent";

    /// <summary>Broadcast messages a local handler merged as new (originated ones included).</summary>
    public const string BroadcastDelivered = "partisan.broadcast.delivered";

    /// <summary>Broadcast handler calls that threw, timed out, or named an unregistered handler. Tag <c>operation</c>.</summary>
    public const string BroadcastHandlerFailures = "partisan.broadcast.handler.failures";

    /// <summary>Checks of a silo suspected by the overlay's failure detector. Tag <c>verdict</c> (<c>dead</c>: evicted; <c>reachable</c>; <c>unconfirmed</c>: too few witnesses answered, checked again).</summary>
    public const string FailureDetectorVerdicts = "partisan.failure_detector.verdicts";

    /// <summary>Calls made with <see cref="IPartisan.CallAsync{TResponse}"/>.</summary>
    public const string CallsStarted = "partisan.calls.started";

    /// <summary>
    /// Calls that ended without a usable reply. Tag <c>reason</c>: <c>timeout</c>, <c>node-down</c>,
    /// <c>no-such-target</c>, <c>handler-failed</c>, <c>wrong-response-type</c>, <c>cancelled</c>,
    /// <c>send-failed</c> (the request could not be sent) or <c>disposed</c> (this node stopped).
    /// </summary>
    public const string CallsFailed = "partisan.calls.failed";

    /// <summary>Replies that arrived after their call had ended (timed out, cancelled or failed) and were dropped.</summary>
    public const string CallsLateReplies = "partisan.calls.late_replies";
    /// <summary>
    /// <c>DOWN</c> notifications of process monitors delivered on the watcher's node. Tag <c>reason</c>
    /// (<c>normal</c>, <c>noproc</c>, <c>noconnection</c>).
    /// </summary>
    public const string ProcessMonitorsDown = "partisan.process_monitors.down";

    /// <summary>
    /// Process monitors a target node stopped holding without a <c>DOWN</c> because their watcher is gone. Tag
    /// <c>reason</c> (<c>watcher-down</c>: its node went down or was removed; <c>lease-expired</c>: no check from it
    /// for three check intervals; <c>not-listed</c>: its check no longer lists them).
    /// </summary>
    public const string ProcessMonitorsDropped = "partisan.process_monitors.dropped";

    /// <summary>Node-event observers subscribed with a lease through the node-monitor grain and dropped because the lease ran out (their client went away).</summary>
    public const string NodeObserversExpired = "partisan.node_observers.expired";

    /// <summary>Observable gauge: members the node knows, itself included. Tag <c>node</c>.</summary>
    public const string Members = "partisan.members";

    /// <summary>Observable gauge: HyParView's active view size (neighbours with open connections); reported under HyParView only. Tag <c>node</c>.</summary>
    public const string ActiveView = "partisan.hyparview.active_view";

    /// <summary>Observable gauge: HyParView's passive view size (nodes known, not connected); reported under HyParView only. Tag <c>node</c>.</summary>
    public const string PassiveView = "partisan.hyparview.passive_view";

    /// <summary>Observable gauge: open overlay connections. Tags <c>node</c> and <c>direction</c> (<c>outbound</c>, <c>inbound</c>).</summary>
    public const string Connections = "partisan.connections";

    /// <summary>Observable gauge: messages waiting in the send queues of the node's outbound connections. Tag <c>node</c>.</summary>
    public const string SendQueueDepth = "partisan.send_queue.depth";

    /// <summary>Observable gauge: acknowledged and causal messages sent and not yet acknowledged. Tag <c>node</c>.</summary>
    public const string MessagesUnacked = "partisan.messages.unacked";

    internal static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> Sent = Meter.CreateCounter<long>(MessagesSent, "{message}");
    internal static readonly Counter<long> Received = Meter.CreateCounter<long>(MessagesReceived, "{message}");
    internal static readonly Counter<long> Undeliverable = Meter.CreateCounter<long>(MessagesUndeliverable, "{message}");
    internal static readonly Counter<long> Superseded = Meter.CreateCounter<long>(MessagesSuperseded, "{message}");
    internal static readonly Counter<long> Dropped = Meter.CreateCounter<long>(MessagesDropped, "{message}");
    internal static readonly Counter<long> Acked = Meter.CreateCounter<long>(MessagesAcked, "{message}");
    internal static readonly Counter<long> Retransmitted = Meter.CreateCounter<long>(MessagesRetransmitted, "{message}");
    internal static readonly Counter<long> Duplicates = Meter.CreateCounter<long>(MessagesDuplicate, "{message}");
    internal static readonly Counter<long> CausalBuffered = Meter.CreateCounter<long>(MessagesCausalBuffered, "{message}");
    internal static readonly Counter<long> CausalOverflow = Meter.CreateCounter<long>(MessagesCausalOverflow, "{message}");
    internal static readonly Counter<long> SentBytes = Meter.CreateCounter<long>(BytesSent, "By");
    internal static readonly Counter<long> ReceivedBytes = Meter.CreateCounter<long>(BytesReceived, "By");
    internal static readonly Counter<long> Opened = Meter.CreateCounter<long>(ConnectionsOpened, "{connection}");
    internal static readonly Counter<long> Closed = Meter.CreateCounter<long>(ConnectionsClosed, "{connection}");
    internal static readonly Counter<long> Refused = Meter.CreateCounter<long>(ConnectionsRefused, "{connection}");
    internal static readonly Counter<long> BroadcastSent = Meter.CreateCounter<long>(BroadcastMessagesSent, "{message}");
    internal static readonly Counter<long> BroadcastDeliveries = Meter.CreateCounter<long>(BroadcastDelivered, "{message}");
    internal static readonly Counter<long> BroadcastFailures = Meter.CreateCounter<long>(BroadcastHandlerFailures, "{call}");
    internal static readonly Counter<long> MonitorsDown = Meter.CreateCounter<long>(ProcessMonitorsDown, "{monitor}");
    internal static readonly Counter<long> MonitorsDropped = Meter.CreateCounter<long>(ProcessMonitorsDropped, "{monitor}");
    internal static readonly Counter<long> ObserversExpired = Meter.CreateCounter<long>(NodeObserversExpired, "{observer}");
    internal static readonly Counter<long> FailureVerdicts = Meter.CreateCounter<long>(FailureDetectorVerdicts, "{check}");
    internal static readonly Counter<long> CallStarts = Meter.CreateCounter<long>(CallsStarted, "{call}");
    internal static readonly Counter<long> CallFailures = Meter.CreateCounter<long>(CallsFailed, "{call}");
    internal static readonly Counter<long> LateReplies = Meter.CreateCounter<long>(CallsLateReplies, "{reply}");
}

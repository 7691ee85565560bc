namespace Orleans.Partisan;

/// <summary>One node's values of the overlay's gauges, read at once.</summary>
/// <param name="Members">Members the node knows, itself included.</param>
/// <param name="ActiveView">HyParView's active view size; -1 under another peer service.</param>
/// <param name="PassiveView">HyParView's passive view size; -1 under another peer service.</param>
/// <param name="OutboundConnections">Open connections this node dialled.</param>
/// <param name="InboundConnections">Open connections this node accepted.</param>
/// <param name="QueuedMessages">Messages waiting in the send queues of every outbound connection.</param>
/// <param name="UnackedMessages">Acknowledged and causal messages sent and not yet acknowledged.</param>
internal readonly record struct OverlayGaugeReading(
    int Members,
    int ActiveView,
    int PassiveView,
    int OutboundConnections,
    int InboundConnections,
    int QueuedMessages,
    int UnackedMessages);

using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Runtime;

/// <summary>The log messages of acknowledged and causal delivery, with stable event ids (2600-2699).</summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(2600, LogLevel.Warning, "A message to {Node} was not acknowledged within {Timeout}")]
    public static partial void AckTimedOut(ILogger logger, NodeName node, TimeSpan timeout);

    [LoggerMessage(2601, LogLevel.Information, "{Count} unacknowledged messages to {Node} failed: the node went down ({Reason})")]
    public static partial void NodeDownFailed(ILogger logger, int count, NodeName node, NodeDownReason reason);

    [LoggerMessage(2602, LogLevel.Warning, "The causal buffer of label {Label} is full ({Max} messages waiting): a message from {From} that must wait was refused and will be retransmitted")]
    public static partial void CausalOverflow(ILogger logger, string label, int max, NodeName from);

    [LoggerMessage(2603, LogLevel.Information, "{Count} causal messages of {Node}, which left, were discarded")]
    public static partial void CausalDeparted(ILogger logger, int count, NodeName node);

    [LoggerMessage(2604, LogLevel.Warning, "An acknowledged or causal message from {From} was dropped: {Problem}")]
    public static partial void Invalid(ILogger logger, NodeName from, string problem);

    [LoggerMessage(2605, LogLevel.Debug, "Message {Sequence} from {From} is too far ahead of what was delivered; dropped unacknowledged, to be retransmitted")]
    public static partial void Refused(ILogger logger, long sequence, NodeName from);

    [LoggerMessage(2606, LogLevel.Debug, "Could not send an acknowledgement to {Node}: {Reason}")]
    public static partial void AckNotSent(ILogger logger, NodeName node, string reason);

    [LoggerMessage(2607, LogLevel.Debug, "A copy for {Node} was not sent: {Reason}")]
    public static partial void CopyNotSent(ILogger logger, NodeName node, string reason);

    [LoggerMessage(2608, LogLevel.Warning, "A causal message of label {Label} to {Node} cannot be sent ({Reason}); an empty placeholder takes its place in the causal order")]
    public static partial void CausalPlaceholder(ILogger logger, string label, NodeName node, string reason);
}

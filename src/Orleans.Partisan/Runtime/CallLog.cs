using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Runtime;

/// <summary>The log messages of request-reply (<see cref="CallTracker"/>), with stable event ids (2500-2599).</summary>
internal static partial class CallLog
{
    [LoggerMessage(2500, LogLevel.Debug, "Call {Call} to {Target} on {Node} failed ({Reason}): {Detail}")]
    public static partial void CallFailed(ILogger logger, PartisanRef call, PartisanTarget target, NodeName node, string reason, string detail);

    [LoggerMessage(2501, LogLevel.Debug, "Reply to call {Call} from {From} dropped: the call had ended (timed out, cancelled or failed)")]
    public static partial void LateReply(ILogger logger, PartisanRef call, NodeName from);

    [LoggerMessage(2502, LogLevel.Warning, "Could not send the reply to call {Call} back to {Caller}")]
    public static partial void ReplyNotSent(ILogger logger, Exception exception, PartisanRef call, NodeName caller);

    [LoggerMessage(2503, LogLevel.Warning, "{Target} threw while handling call {Call} from {Caller}; unless the call was answered already, the caller gets the exception's type and message")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, PartisanTarget target, PartisanRef call, NodeName caller);

    [LoggerMessage(2504, LogLevel.Warning, "Reply to call {Call} came from {From}, not from {Node} the call was sent to; dropped")]
    public static partial void ReplyFromWrongNode(ILogger logger, PartisanRef call, NodeName from, NodeName node);

    [LoggerMessage(2505, LogLevel.Warning, "Reply to call {Call} from {From} is a {Type}, not a reply message; dropped")]
    public static partial void MalformedReply(ILogger logger, PartisanRef call, NodeName from, string type);
}

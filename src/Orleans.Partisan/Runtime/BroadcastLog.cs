using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Runtime;

/// <summary>The broadcast layer's log messages, with stable event ids (2100-2199).</summary>
internal static partial class BroadcastLog
{
    [LoggerMessage(2100, LogLevel.Information, "Broadcast started with {Core} and handlers {Handlers}")]
    public static partial void Started(ILogger logger, string core, string handlers);

    [LoggerMessage(2101, LogLevel.Warning, "Broadcast handler {Handler} failed in {Operation}; the broadcast goes on without its answer")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string handler, string operation);

    [LoggerMessage(2102, LogLevel.Warning, "Broadcast handler {Handler} did not answer {Operation} within {Timeout}; the broadcast goes on without its answer")]
    public static partial void HandlerTimedOut(ILogger logger, string handler, string operation, TimeSpan timeout);

    [LoggerMessage(2103, LogLevel.Warning, "A broadcast message from {From} names handler {Handler}, which is not registered on this silo; register the same handlers on every silo")]
    public static partial void UnknownHandler(ILogger logger, NodeName from, string handler);

    [LoggerMessage(2104, LogLevel.Warning, "Broadcast handler {Handler} could not answer a graft from {Requester}: {Error}")]
    public static partial void GraftFailed(ILogger logger, string handler, NodeName requester, string error);

    [LoggerMessage(2105, LogLevel.Debug, "Broadcast message to {Node} not sent: {Reason}")]
    public static partial void SendSkipped(ILogger logger, NodeName node, string reason);

    [LoggerMessage(2106, LogLevel.Warning, "The broadcast layer failed while processing {Operation}")]
    public static partial void Failed(ILogger logger, Exception exception, string operation);
}

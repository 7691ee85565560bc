using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Runtime;

/// <summary>The log messages of process monitors and liveness, with stable event ids (2400-2419).</summary>
internal static partial class ProcessMonitorLog
{
    [LoggerMessage(2400, LogLevel.Debug, "Process monitor {Monitor} of {Target} on {Node}: DOWN {Reason}")]
    public static partial void Down(ILogger logger, PartisanRef monitor, PartisanTarget target, NodeName node, ProcessDownReason reason);

    [LoggerMessage(2401, LogLevel.Information, "Dropped {Count} process monitors held here for {Watcher}: {Reason}")]
    public static partial void Dropped(ILogger logger, int count, NodeName watcher, string reason);

    [LoggerMessage(2402, LogLevel.Warning, "Process-monitor message {Type} from {From} rejected: {Reason}")]
    public static partial void Rejected(ILogger logger, string type, NodeName from, string reason);

    [LoggerMessage(2403, LogLevel.Information, "{Node} did not answer a process-monitor check within {Timeout}; its {Count} monitored processes are reported down with NoConnection")]
    public static partial void CheckOverdue(ILogger logger, NodeName node, TimeSpan timeout, int count);

    [LoggerMessage(2404, LogLevel.Warning, "Process-down subscriber {Subscriber} failed")]
    public static partial void SubscriberFailed(ILogger logger, Exception exception, string subscriber);

    [LoggerMessage(2405, LogLevel.Debug, "Process-monitor message {Type} to {Node} not sent: {Reason}")]
    public static partial void SendFailed(ILogger logger, string type, NodeName node, string reason);

    [LoggerMessage(2406, LogLevel.Warning, "DOWN of process monitor {Monitor} not delivered: its mailbox {Mailbox} is gone")]
    public static partial void MailboxGone(ILogger logger, PartisanRef monitor, ProcessRef mailbox);
}

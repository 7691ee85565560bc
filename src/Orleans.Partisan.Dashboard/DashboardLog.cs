using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Dashboard;

/// <summary>The dashboard's log messages; event ids 7000-7019.</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Warning, Message = "Partisan dashboard: the overlay of silo {Silo} could not be read; the page shows it with the error")]
    public static partial void SiloUnreadable(ILogger logger, Exception exception, SiloAddress silo);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Partisan dashboard: could not subscribe to the node events of silo {Silo}; retried at the next refresh")]
    public static partial void SubscribeFailed(ILogger logger, Exception exception, SiloAddress silo);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Debug, Message = "Partisan dashboard: could not unsubscribe from the node events of {Silo}")]
    public static partial void UnsubscribeFailed(ILogger logger, Exception exception, string silo);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Partisan dashboard: the list of active silos could not be read")]
    public static partial void SilosUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Partisan dashboard mapped at {Pattern}")]
    public static partial void Mapped(ILogger logger, string pattern);
}

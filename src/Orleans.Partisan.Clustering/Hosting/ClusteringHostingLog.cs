using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Clustering.Hosting;

/// <summary>The log messages of the clustering provider's silo wiring, with stable event ids (6007-6009).</summary>
internal static partial class ClusteringHostingLog
{
    [LoggerMessage(EventId = 6007, Level = LogLevel.Warning, Message = "This silo is stopping and found the membership table unavailable within {Timeout}; it gives the table up, so its shutdown is not recorded there (its entry keeps its last status, as after a crash, until Orleans' probes declare it dead or the silo restarts): {Reason}")]
    public static partial void TableGivenUp(ILogger logger, TimeSpan timeout, string reason);
}

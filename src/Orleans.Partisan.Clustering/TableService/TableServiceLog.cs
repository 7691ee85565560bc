using System.Net;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Clustering.TableService;

/// <summary>
/// Log messages of the table service's client (<see cref="SeedClient"/>); event ids 6005-6006 and 6010 of storage-free
/// clustering's 6000-6099 (a seed logs 6000-6004 and 6007-6009, see <c>ConsensusLog</c>).
/// </summary>
internal static partial class TableServiceLog
{
    [LoggerMessage(EventId = 6005, Level = LogLevel.Debug, Message = "Table request {Request} to seed {Seed} failed: {Reason}")]
    public static partial void SeedAttemptFailed(ILogger logger, string request, EndPoint seed, string reason);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Warning, Message = "Table request {Request} failed: {Reason}")]
    public static partial void RequestFailed(ILogger logger, string request, string reason);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning, Message = "Refused the TLS connection to seed {Seed}: {Reason}")]
    public static partial void SeedTlsRefused(ILogger logger, EndPoint seed, string reason);
}

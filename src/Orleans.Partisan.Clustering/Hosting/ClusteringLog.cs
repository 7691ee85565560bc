using System.Net;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Clustering.Hosting;

/// <summary>Log messages of storage-free clustering; event ids 6000-6099.</summary>
internal static partial class ClusteringLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Seed {ConsensusEndPoint} started: Raft group of {SeedCount} seeds, table service on {ServiceEndPoint}, data in {DataDirectory}")]
    public static partial void SeedStarted(ILogger logger, EndPoint consensusEndPoint, int seedCount, EndPoint serviceEndPoint, string dataDirectory);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Seed {ConsensusEndPoint} stopped")]
    public static partial void SeedStopped(ILogger logger, EndPoint consensusEndPoint);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Raft leader of the membership table is now {Leader} (seen by {ConsensusEndPoint})")]
    public static partial void LeaderChanged(ILogger logger, EndPoint? leader, EndPoint consensusEndPoint);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Table service connection from {Remote} dropped: {Reason}")]
    public static partial void ConnectionDropped(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Debug, Message = "Table request {Request} not executed by {ServiceEndPoint}: {Status} {Reason}")]
    public static partial void RequestNotExecuted(ILogger logger, string request, EndPoint serviceEndPoint, string status, string? reason);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Debug, Message = "Table request {Request} to seed {Seed} failed: {Reason}")]
    public static partial void SeedAttemptFailed(ILogger logger, string request, EndPoint seed, string reason);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Warning, Message = "Table request {Request} failed: {Reason}")]
    public static partial void RequestFailed(ILogger logger, string request, string reason);
}

using System.Net;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Clustering.Consensus;

/// <summary>
/// Log messages of a seed (its Raft member and its table service); event ids 6000-6004 and 6007-6009 of storage-free
/// clustering's 6000-6099 (the table service's client logs 6005-6006 and 6010, see <c>TableServiceLog</c>).
/// </summary>
internal static partial class ConsensusLog
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

    [LoggerMessage(EventId = 6007, Level = LogLevel.Warning, Message = "Seed {ConsensusEndPoint} refused a Raft connection from another seed: {Reason}")]
    public static partial void RaftInboundRefused(ILogger logger, EndPoint consensusEndPoint, string reason);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Warning, Message = "Seed {ConsensusEndPoint} refused Raft peer {Peer}: {Reason}")]
    public static partial void RaftOutboundRefused(ILogger logger, EndPoint consensusEndPoint, EndPoint peer, string reason);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Warning, Message = "Refused TLS connection to the table service from {Remote}: {Reason}")]
    public static partial void TableServiceTlsRefused(ILogger logger, EndPoint? remote, string reason);
}

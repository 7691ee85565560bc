using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Runtime;

/// <summary>The log messages of Orleans clients' overlay nodes and their gateways, with stable event ids (2040-2059, within the runtime's range).</summary>
internal static partial class ClientLog
{
    [LoggerMessage(2040, LogLevel.Information, "Client node {Client} attached to this silo's overlay node")]
    public static partial void Attached(ILogger logger, NodeName client);

    [LoggerMessage(2041, LogLevel.Information, "Client node {Client} detached from this silo's overlay node")]
    public static partial void Detached(ILogger logger, NodeName client);

    [LoggerMessage(2042, LogLevel.Warning, "Node {From} sent a gateway attachment for another node, {Client}; ignored")]
    public static partial void ForeignAttach(ILogger logger, NodeName from, NodeName client);

    [LoggerMessage(2043, LogLevel.Information, "Client node {Client} attached to gateway {Gateway}")]
    public static partial void GatewayUp(ILogger logger, NodeName client, NodeName gateway);

    [LoggerMessage(2044, LogLevel.Warning, "Client node {Client} lost gateway {Gateway}; attaching to another silo")]
    public static partial void GatewayLost(ILogger logger, NodeName client, NodeName gateway);

    [LoggerMessage(2045, LogLevel.Warning, "Client node {Client} could not learn the silos' overlay nodes: {Reason}")]
    public static partial void DiscoveryFailed(ILogger logger, NodeName client, string reason);

    [LoggerMessage(2046, LogLevel.Information, "Node-event observer {Observer} of a client dropped: its lease expired without renewal")]
    public static partial void ObserverLeaseExpired(ILogger logger, string observer);
}

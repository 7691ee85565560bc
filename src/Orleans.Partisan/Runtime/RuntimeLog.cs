using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Runtime;

/// <summary>The runtime's log messages, with stable event ids (2000-2099).</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(2000, LogLevel.Information, "Overlay node {Node} listening on {Endpoints} (peer service {PeerService}, channels {Channels}, random seed {Seed})")]
    public static partial void Started(ILogger logger, NodeName node, string endpoints, PartisanPeerService peerService, string channels, int seed);

    [LoggerMessage(2001, LogLevel.Information, "Member {Member} joined the overlay")]
    public static partial void MemberJoined(ILogger logger, NodeSpec member);

    [LoggerMessage(2002, LogLevel.Information, "Member {Member} left the overlay")]
    public static partial void MemberLeft(ILogger logger, NodeName member);

    [LoggerMessage(2003, LogLevel.Information, "This node left the overlay")]
    public static partial void SelfLeft(ILogger logger);

    [LoggerMessage(2004, LogLevel.Warning, "This node was removed from the overlay by {RemovedBy}; it is no longer a member")]
    public static partial void SelfRemoved(ILogger logger, NodeName removedBy);

    [LoggerMessage(2005, LogLevel.Warning, "Message to {Target} on {Node} could not be delivered: {Reason}")]
    public static partial void Undeliverable(ILogger logger, PartisanTarget target, NodeName node, string reason);

    [LoggerMessage(2006, LogLevel.Warning, "Receiver {Target} threw while handling a message from {From}")]
    public static partial void ReceiverFailed(ILogger logger, Exception exception, PartisanTarget target, NodeName from);

    [LoggerMessage(2007, LogLevel.Warning, "Could not send to {Node}: {Reason}")]
    public static partial void SendFailed(ILogger logger, NodeName node, string reason);

    [LoggerMessage(2008, LogLevel.Debug, "Peer-service message to {Node} not sent: {Reason}")]
    public static partial void ProtocolSendSkipped(ILogger logger, NodeName node, string reason);

    [LoggerMessage(2009, LogLevel.Warning, "Node-event subscriber {Subscriber} failed")]
    public static partial void SubscriberFailed(ILogger logger, Exception exception, string subscriber);

    [LoggerMessage(2010, LogLevel.Warning, "The peer service failed while processing {Operation}")]
    public static partial void PeerServiceFailed(ILogger logger, Exception exception, string operation);

    [LoggerMessage(2011, LogLevel.Debug, "Node event {Event}")]
    public static partial void NodeEvent(ILogger logger, NodeEvent @event);

    [LoggerMessage(2012, LogLevel.Warning, "Message of type {Type} from {From} is not one this node understands; dropped")]
    public static partial void UnknownMessage(ILogger logger, string type, NodeName from);

    [LoggerMessage(2013, LogLevel.Debug, "Relayed message {Id} for {Destination} dropped: it used up its {HopLimit} hops")]
    public static partial void RelayExpired(ILogger logger, PartisanRef id, NodeName destination, int hopLimit);

    [LoggerMessage(2014, LogLevel.Warning, "Relayed message {Id} for {Destination} cannot go further: no other neighbour to hand it to")]
    public static partial void RelayStuck(ILogger logger, PartisanRef id, NodeName destination);

    [LoggerMessage(2015, LogLevel.Warning, "Could not answer {Asker}'s question whether {Target} is reachable")]
    public static partial void WitnessAnswerFailed(ILogger logger, Exception exception, NodeName asker, NodeName target);

    [LoggerMessage(2016, LogLevel.Warning, "Left the overlay, but {Peers} had not dropped their connections to this node within {Timeout}; they may take the leave for a failure")]
    public static partial void LeaveNotAcknowledged(ILogger logger, string peers, TimeSpan timeout);

    [LoggerMessage(2030, LogLevel.Debug, "No listed node answered at {Endpoint}: {Reason}; the static peer service asks again after a backoff")]
    public static partial void ProbeFailed(ILogger logger, string endpoint, string reason);
}

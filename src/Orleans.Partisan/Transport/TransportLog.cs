using System.Net;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Transport;

/// <summary>The transport's log messages, with stable event ids (3000-3099).</summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Overlay node '{Node}' listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, NodeName node, EndPoint endPoint);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Opened connection to node '{Peer}' at {EndPoint} (channel '{Channel}', lane {Lane})")]
    public static partial void OutboundOpened(ILogger logger, NodeName peer, EndPoint? endPoint, string channel, int lane);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Closed connection to node '{Peer}' (channel '{Channel}', lane {Lane}): {Reason}")]
    public static partial void OutboundClosed(ILogger logger, NodeName peer, string channel, int lane, CloseReason reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Accepted connection from node '{Peer}' at {EndPoint} (channel '{Channel}', lane {Lane})")]
    public static partial void InboundOpened(ILogger logger, NodeName peer, EndPoint? endPoint, string channel, int lane);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "Closed connection from node '{Peer}' (channel '{Channel}', lane {Lane}): {Reason}")]
    public static partial void InboundClosed(ILogger logger, NodeName peer, string channel, int lane, CloseReason reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Could not connect to node '{Peer}' (channel '{Channel}', lane {Lane}): {Reason}; retrying in {Delay}")]
    public static partial void DialFailed(ILogger logger, NodeName peer, string channel, int lane, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Node '{Peer}' is up ({Spec})")]
    public static partial void PeerUp(ILogger logger, NodeName peer, NodeSpec spec);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Node '{Peer}' is down: {Reason}")]
    public static partial void PeerDown(ILogger logger, NodeName peer, CloseReason reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Refused connection {Direction} {Remote}: cluster id '{TheirClusterId}' is not ours ('{OurClusterId}')")]
    public static partial void RefusedClusterId(ILogger logger, string direction, EndPoint? remote, string theirClusterId, string ourClusterId);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Refused connection {Direction} {Remote}: protocol version {TheirVersion} is not ours ({OurVersion})")]
    public static partial void RefusedVersion(ILogger logger, string direction, EndPoint? remote, int theirVersion, int ourVersion);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "Refused node '{Actual}' at {Remote}: expected node '{Expected}'")]
    public static partial void RefusedWrongNode(ILogger logger, NodeName actual, EndPoint? remote, NodeName expected);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning, Message = "Refused connection from node '{Peer}' at {Remote}: channel '{Channel}' (lane {Lane}) is not configured here (configured: {Channels})")]
    public static partial void RefusedChannel(ILogger logger, NodeName peer, EndPoint? remote, string? channel, int lane, string channels);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Warning, Message = "Refused node '{Peer}' at {Remote} for channel '{Channel}': it has no such channel (its channels: {TheirChannels})")]
    public static partial void RefusedMissingChannel(ILogger logger, NodeName peer, EndPoint? remote, string channel, string theirChannels);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Warning, Message = "Refused TLS connection {Direction} {Remote}: {Problem}")]
    public static partial void RefusedTls(ILogger logger, string direction, EndPoint? remote, string problem);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning, Message = "Refused connection {Direction} {Remote}: {Problem}")]
    public static partial void RefusedBadHandshake(ILogger logger, string direction, EndPoint? remote, string problem);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Debug, Message = "Connection from {Remote} closed before its handshake (a probe, or a dialler that gave up)")]
    public static partial void ClosedBeforeHello(ILogger logger, EndPoint? remote);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "Closing connection from node '{Peer}' at {Remote} (channel '{Channel}', lane {Lane}): frame of {Length} bytes exceeds the maximum of {Maximum}")]
    public static partial void FrameTooLarge(ILogger logger, NodeName peer, EndPoint? remote, string channel, int lane, int length, int maximum);

    [LoggerMessage(EventId = 3025, Level = LogLevel.Warning, Message = "Closing connection from node '{Peer}' at {Remote} (channel '{Channel}', lane {Lane}): invalid frame length {Length}")]
    public static partial void InvalidFrameLength(ILogger logger, NodeName peer, EndPoint? remote, string channel, int lane, int length);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Warning, Message = "Closing connection from node '{Peer}' at {Remote} (channel '{Channel}', lane {Lane}): a frame of {Length} bytes could not be deserialized")]
    public static partial void UndecodableFrame(ILogger logger, Exception exception, NodeName peer, EndPoint? remote, string channel, int lane, long length);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Warning, Message = "Closing connection to node '{Peer}' (channel '{Channel}', lane {Lane}): it sent {Bytes} bytes that are not heartbeats on a connection that only carries our messages")]
    public static partial void UnexpectedData(ILogger logger, NodeName peer, string channel, int lane, long bytes);

    [LoggerMessage(EventId = 3026, Level = LogLevel.Warning, Message = "Closing connection to node '{Peer}' (channel '{Channel}', lane {Lane}): nothing received, not even a heartbeat, for {Silence} (heartbeat timeout {Timeout})")]
    public static partial void HeartbeatTimedOut(ILogger logger, NodeName peer, string channel, int lane, TimeSpan silence, TimeSpan timeout);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Warning, Message = "The message handler failed for a message from node '{Peer}' on channel '{Channel}'")]
    public static partial void MessageHandlerFailed(ILogger logger, Exception exception, NodeName peer, string channel);

    [LoggerMessage(EventId = 3024, Level = LogLevel.Warning, Message = "The peer event handler failed for node '{Peer}'")]
    public static partial void EventHandlerFailed(ILogger logger, Exception exception, NodeName peer);

    [LoggerMessage(EventId = 3030, Level = LogLevel.Warning, Message = "Accepting an overlay connection failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3031, Level = LogLevel.Warning, Message = "Connection loop failed unexpectedly ({What})")]
    public static partial void LoopFailed(ILogger logger, Exception exception, string what);

    [LoggerMessage(EventId = 3032, Level = LogLevel.Warning, Message = "The overlay transport's connections did not all close within {Timeout}")]
    public static partial void DisposeTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 3033, Level = LogLevel.Debug, Message = "Ignored a request to connect node '{Node}' to itself")]
    public static partial void ConnectToSelf(ILogger logger, NodeName node);

    [LoggerMessage(EventId = 3040, Level = LogLevel.Debug, Message = "Dropped a message to node '{Peer}' on channel '{Channel}': injected fault")]
    public static partial void DroppedOnSend(ILogger logger, NodeName peer, string channel);

    [LoggerMessage(EventId = 3041, Level = LogLevel.Debug, Message = "Dropped a message from node '{Peer}' on channel '{Channel}': injected fault")]
    public static partial void DroppedOnReceive(ILogger logger, NodeName peer, string channel);

    [LoggerMessage(EventId = 3042, Level = LogLevel.Debug, Message = "A delayed message to node '{Peer}' on channel '{Channel}' was not sent: {Reason}")]
    public static partial void DelayedNotSent(ILogger logger, NodeName peer, string channel, string reason);

    [LoggerMessage(EventId = 3043, Level = LogLevel.Warning, Message = "The interposer failed on {Direction}; the message goes through")]
    public static partial void InterposerFailed(ILogger logger, Exception exception, string direction);

    [LoggerMessage(EventId = 3050, Level = LogLevel.Error, Message = "Refused connection {Direction} node '{Peer}' at {Remote}: {Problem}")]
    public static partial void RefusedNotAdmitted(ILogger logger, string direction, NodeName peer, EndPoint? remote, string problem);
}

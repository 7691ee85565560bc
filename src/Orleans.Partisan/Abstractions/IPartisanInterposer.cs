namespace Orleans.Partisan;

/// <summary>
/// A testing and chaos hook that sees every message the overlay sends and receives, and may drop
/// or delay it: the analogue of Partisan's interposition functions. Register one implementation in
/// the silo's services (the <c>Orleans.Partisan.Testing</c> package does, with
/// <c>AddPartisanFaultInjection</c>); the node created by <c>AddPartisan</c> consults it.
/// </summary>
/// <remarks>
/// <para>
/// Meant for tests. Without an interposer the transport pays one null check per message. The hook
/// sits in the transport, below every peer service, so it applies to the peer service's own traffic
/// (gossip, joins) as well as to forwarded messages.
/// </para>
/// <para>
/// <see cref="OnSend"/> is called for each message this node sends, after the channel, the connection
/// and the message's serialization were checked (so a dropped message raises the same errors a sent
/// one would) and before it is queued on a connection. <see cref="OnReceive"/> is called for each
/// message read off a connection, before it is dispatched. Both may be called concurrently from any
/// thread, must be fast and must not block; an exception is logged and the message delivered.
/// </para>
/// <para>
/// A dropped message models a loss on the network: the sender is not told, and the drop is counted on
/// <see cref="PartisanMetrics.MessagesDropped"/> and logged at debug level. A delayed message is held
/// in a queue per (peer, channel, direction) that releases its messages in the order they entered
/// (a message never overtakes an earlier delayed one on its link, even one delayed for longer); the
/// sender does not wait for it. Messages that are not delayed are not held back by delayed ones.
/// </para>
/// </remarks>
public interface IPartisanInterposer
{
    /// <summary>Decides what happens to a message this node is about to send.</summary>
    /// <param name="message">The message; <see cref="InterposedMessage.From"/> is this node.</param>
    InterposerDecision OnSend(in InterposedMessage message);

    /// <summary>Decides what happens to a message this node received, before it is dispatched.</summary>
    /// <param name="message">The message; <see cref="InterposedMessage.To"/> is this node.</param>
    InterposerDecision OnReceive(in InterposedMessage message);
}

/// <summary>A message as an <see cref="IPartisanInterposer"/> sees it.</summary>
/// <param name="From">The sending node.</param>
/// <param name="To">The receiving node.</param>
/// <param name="Channel">
/// The channel: on send, the one asked for (a message may still travel on the default channel when
/// the asked one has no open connection); on receive, the one it arrived on.
/// </param>
/// <param name="Message">
/// The object the transport carries: a forwarded message travels inside the overlay's own envelope,
/// a peer-service message as itself. Its type is not a stable contract; match on the node names and
/// the channel.
/// </param>
public readonly record struct InterposedMessage(NodeName From, NodeName To, string Channel, object Message);

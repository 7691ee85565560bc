using System.Net;

namespace Orleans.Partisan;

/// <summary>
/// The overlay node of this process: its membership, connections, messaging and node monitors.
/// The .NET face of Partisan's <c>partisan</c> and <c>partisan_peer_service</c> modules;
/// inject it in a silo configured with <c>AddPartisan</c>.
/// </summary>
/// <remarks>All members are thread-safe.</remarks>
public interface IPartisan
{
    /// <summary>This node's name (<c>node()</c>).</summary>
    NodeName Name { get; }

    /// <summary>This node's spec (<c>node_spec()</c>): what another node needs to join it.</summary>
    NodeSpec Spec { get; }

    /// <summary>The default channel's name (<c>default_channel()</c>).</summary>
    string DefaultChannel { get; }

    /// <summary>The configured channels by name.</summary>
    IReadOnlyDictionary<string, ChannelOptions> Channels { get; }

    /// <summary>The options of <paramref name="channel"/> (<c>channel_opts/1</c>).</summary>
    /// <exception cref="UnknownChannelException">The channel is not configured.</exception>
    ChannelOptions GetChannelOptions(string channel);

    /// <summary>The spec of <paramref name="node"/> (<c>node_spec/1</c>), or <see langword="null"/> when it is not a member.</summary>
    NodeSpec? GetNodeSpec(NodeName node);

    /// <summary>The nodes of a kind (<c>nodes/1</c>), sorted by name.</summary>
    IReadOnlyList<NodeName> GetNodes(NodeSelection selection = NodeSelection.Visible);

    /// <summary>Whether this node has an open connection to <paramref name="node"/> (<c>is_connected/1</c>).</summary>
    bool IsConnected(NodeName node);

    /// <summary>Whether this node has an open connection to <paramref name="node"/> on <paramref name="channel"/> (<c>is_connected/2</c>).</summary>
    /// <exception cref="UnknownChannelException">The channel is not configured.</exception>
    bool IsConnected(NodeName node, string channel);

    /// <summary>Whether every lane of every channel to <paramref name="node"/> is open (<c>is_fully_connected/1</c>).</summary>
    bool IsFullyConnected(NodeName node);

    /// <summary>The open connections, outbound and inbound.</summary>
    IReadOnlyList<ConnectionInfo> GetConnections();

    /// <summary>
    /// This node's peer-service views: HyParView's active and passive views, or under the full mesh every other member as
    /// active. Read on the peer service's loop, so the two views are consistent with each other.
    /// </summary>
    Task<PeerServiceViews> GetViewsAsync();

    /// <summary>
    /// Closes the connections to <paramref name="node"/> (<c>disconnect_node/1</c>). Monitors see
    /// <c>nodedown</c> with <see cref="NodeDownReason.Disconnected"/>. A node that is still a member is
    /// dialled again at the next peer-service tick.
    /// </summary>
    ValueTask DisconnectNodeAsync(NodeName node);

    /// <summary>
    /// Joins the overlay through <paramref name="seed"/> and completes when this node has the
    /// seed's membership and is fully connected to every member (Partisan's <c>sync_join</c>).
    /// </summary>
    Task JoinAsync(NodeSpec seed, CancellationToken cancellationToken = default);

    /// <summary>Learns the spec of the node listening at <paramref name="seed"/>, then joins it as <see cref="JoinAsync(NodeSpec, CancellationToken)"/> does.</summary>
    /// <exception cref="ConnectionRefusedException">The node there belongs to another cluster or speaks another protocol version.</exception>
    /// <exception cref="TimeoutException">Nothing answered within the connect timeout.</exception>
    Task JoinAsync(IPEndPoint seed, CancellationToken cancellationToken = default);

    /// <summary>Leaves the overlay gracefully: every member is told, and sees this node leave rather than fail.</summary>
    Task LeaveAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes <paramref name="node"/> from the overlay, cluster-wide; the node learns it was removed and stops being a member.
    /// Under <see cref="PartisanPeerService.Static"/> members are never removed, and this does nothing.
    /// </summary>
    Task LeaveAsync(NodeName node, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="target"/> on <paramref name="node"/> (<c>forward_message/4</c>).
    /// Completes when the message is queued on a connection; waits while that connection's queue is full.
    /// </summary>
    /// <exception cref="UnknownChannelException">The channel in <paramref name="options"/> is not configured.</exception>
    /// <exception cref="UnknownNodeException"><paramref name="node"/> is not a member.</exception>
    /// <exception cref="NodeNotConnectedException"><paramref name="node"/> is a member with no open connection right now.</exception>
    /// <exception cref="MessageSerializationException"><paramref name="message"/> cannot be serialized.</exception>
    /// <exception cref="MessageTooLargeException"><paramref name="message"/> is larger than the maximum frame size.</exception>
    /// <remarks>A target that does not exist on the destination is logged and counted there (<see cref="PartisanMetrics.MessagesUndeliverable"/>).</remarks>
    ValueTask ForwardMessageAsync(NodeName node, PartisanTarget target, object message, ForwardOptions options = default, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="ForwardMessageAsync(NodeName, PartisanTarget, object, ForwardOptions, CancellationToken)"/>, but the receiver sees <see cref="ReceivedMessage.IsCast"/> set (<c>cast_message/4</c>).</summary>
    ValueTask CastMessageAsync(NodeName node, PartisanTarget target, object message, ForwardOptions options = default, CancellationToken cancellationToken = default);

    /// <summary>Sends <paramref name="message"/> to the mailbox <paramref name="process"/> on its node, as <see cref="ForwardMessageAsync(NodeName, PartisanTarget, object, ForwardOptions, CancellationToken)"/> does.</summary>
    ValueTask ForwardMessageAsync(ProcessRef process, object message, ForwardOptions options = default, CancellationToken cancellationToken = default);

    /// <summary>Casts <paramref name="message"/> to the mailbox <paramref name="process"/> on its node, as <see cref="CastMessageAsync(NodeName, PartisanTarget, object, ForwardOptions, CancellationToken)"/> does.</summary>
    ValueTask CastMessageAsync(ProcessRef process, object message, ForwardOptions options = default, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends <paramref name="request"/> to <paramref name="target"/> on <paramref name="node"/> and waits for its
    /// reply (Partisan's <c>partisan_rpc:call</c>, the <c>gen_server:call</c> analogue). The call is correlated by a
    /// <see cref="PartisanRef"/> (<see cref="ReceivedMessage.CallRef"/>); the reply comes back to this call only, over
    /// the same channel (relayed too when <see cref="ForwardOptions.Transitive"/> is set). A named receiver or a
    /// mailbox answers with <see cref="ReceivedMessage.ReplyAsync"/>; a grain by the return value of
    /// <see cref="IPartisanRequestHandler.HandleCall"/>.
    /// </summary>
    /// <param name="node">The callee's node; this node's own name calls a local target.</param>
    /// <param name="target">The target on that node.</param>
    /// <param name="request">The request; any type Orleans can serialize.</param>
    /// <param name="options">How the request is sent, as for <see cref="ForwardMessageAsync(NodeName, PartisanTarget, object, ForwardOptions, CancellationToken)"/>. A call is never superseded on a monotonic channel.</param>
    /// <param name="timeout">How long to wait for the reply; <see langword="null"/> for <see cref="PartisanOptions.CallTimeout"/>; more than zero, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <param name="cancellationToken">Stops waiting (<see cref="OperationCanceledException"/>); a reply that arrives afterwards is dropped and counted.</param>
    /// <returns>The reply: <see langword="null"/> only when the callee replied <see langword="null"/> and <typeparamref name="TResponse"/> admits it.</returns>
    /// <exception cref="CallTimeoutException">No reply within the timeout (a later reply is dropped and counted on <see cref="PartisanMetrics.CallsLateReplies"/>).</exception>
    /// <exception cref="CallNodeDownException">The callee's node went down (<c>nodedown</c>) before it replied: the call fails then, not at its timeout.</exception>
    /// <exception cref="CallTargetNotFoundException">The target does not exist on the callee's node, which answered so.</exception>
    /// <exception cref="CallHandlerException">The target threw while handling the request: the exception's type name and message, not the exception.</exception>
    /// <exception cref="CallResponseTypeException">The reply is not a <typeparamref name="TResponse"/>.</exception>
    /// <exception cref="UnknownChannelException">As <see cref="ForwardMessageAsync(NodeName, PartisanTarget, object, ForwardOptions, CancellationToken)"/>, before anything is sent; so are <see cref="UnknownNodeException"/>, <see cref="NodeNotConnectedException"/>, <see cref="MessageSerializationException"/> and <see cref="MessageTooLargeException"/>.</exception>
    Task<TResponse> CallAsync<TResponse>(NodeName node, PartisanTarget target, object request, ForwardOptions options = default, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Registers <paramref name="receiver"/> under <paramref name="name"/> on this node; dispose the result to unregister.
    /// The receiver runs on the connection's thread, one message at a time per connection: it must not block.
    /// What it throws is logged and counted and the connection goes on.
    /// </summary>
    /// <exception cref="InvalidOperationException">The name is taken.</exception>
    IDisposable RegisterReceiver(string name, Action<ReceivedMessage> receiver);

    /// <summary>Creates a mailbox: a queue of messages addressed to its <see cref="Mailbox.Self"/>.</summary>
    Mailbox CreateMailbox();

    /// <summary>Makes a reference unique across the overlay (<c>make_ref()</c>).</summary>
    PartisanRef MakeRef();

    /// <summary>
    /// Whether this node is part of a distributed system (<c>is_alive/0</c>): started, not disposed, and it has
    /// not left the overlay (nor been removed from it) since it last joined.
    /// </summary>
    bool IsAlive { get; }

    /// <summary>Whether <paramref name="process"/> is a mailbox of this node (<c>is_local/1</c>).</summary>
    bool IsLocal(ProcessRef process);

    /// <summary>Whether the mailbox <paramref name="process"/> of this node exists and is not disposed (<c>is_process_alive/1</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="process"/> is a mailbox of another node: ask with <see cref="IsProcessAliveAsync"/>.</exception>
    bool IsProcessAlive(ProcessRef process);

    /// <summary>
    /// Whether the mailbox <paramref name="process"/> exists and is not disposed, asking its node over the overlay
    /// when it is another (<c>is_process_alive/1</c> on a remote pid).
    /// </summary>
    /// <returns>
    /// <see langword="false"/> also when the answer cannot be had: the node is not connected (full mesh), goes down
    /// while asked, or does not answer within <paramref name="timeout"/>. <see langword="true"/> only on the node's word.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is neither positive nor infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<bool> IsProcessAliveAsync(ProcessRef process, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Monitors the mailbox <paramref name="process"/> on its node, as <see cref="Monitor(NodeName, PartisanTarget, NodeEventSubscriber)"/> does.</summary>
    PartisanRef Monitor(ProcessRef process, NodeEventSubscriber subscriber);

    /// <summary>
    /// Monitors <paramref name="target"/> on <paramref name="node"/> (<c>monitor(process, ...)</c>): <paramref name="subscriber"/>
    /// gets exactly one <see cref="ProcessDown"/>, unless <see cref="Demonitor"/> comes first. Never throws for the state of
    /// the target or its node; that is what the <c>DOWN</c> tells.
    /// </summary>
    /// <remarks>
    /// <para><see cref="ProcessDownReason.Normal"/>: the mailbox was disposed, or the named receiver unregistered.
    /// <see cref="ProcessDownReason.NoProcess"/>, at once: the target did not exist (a grain target exists when its node is
    /// a silo where the grain's type implements <see cref="IPartisanMessageReceiver"/>; a grain never exits otherwise).
    /// <see cref="ProcessDownReason.NoConnection"/>: the node went down, left or was removed, or (full mesh) was not
    /// connected when monitored, then at once. See <c>docs/monitors.md</c> for partial views.</para>
    /// <para>Monitoring the same target twice makes two monitors. A mailbox subscriber disposed before the <c>DOWN</c>
    /// ends its monitors.</para>
    /// </remarks>
    /// <returns>The monitor's reference, carried by its <see cref="ProcessDown"/> and taken by <see cref="Demonitor"/>.</returns>
    /// <exception cref="ArgumentException">The target is not a mailbox, named receiver or grain, or a mailbox of another node than <paramref name="node"/>;
    /// the subscriber is a node-event callback or observer, or a mailbox of another node.</exception>
    PartisanRef Monitor(NodeName node, PartisanTarget target, NodeEventSubscriber subscriber);

    /// <summary>
    /// Switches off the monitor <paramref name="monitor"/> (<c>demonitor/1</c>); with <paramref name="flush"/>, also withdraws
    /// its <c>DOWN</c> if it fired and the subscriber has not had it yet: unread in the subscriber's mailbox, or queued for a
    /// callback or observer (<c>demonitor(Ref, [flush])</c>).
    /// </summary>
    /// <returns>Whether the monitor was on; <see langword="false"/> when it had fired already or is unknown.</returns>
    bool Demonitor(PartisanRef monitor, bool flush = false);

    /// <summary>
    /// Switches monitoring of <paramref name="node"/> on or off for <paramref name="subscriber"/> (<c>monitor_node/2</c>).
    /// The subscriber gets one <c>nodedown</c> when the node goes down (at once if it is not connected); then the monitor is gone.
    /// </summary>
    /// <returns><see langword="false"/> when <paramref name="node"/> is this node; otherwise <see langword="true"/>.</returns>
    bool MonitorNode(NodeName node, bool enable, NodeEventSubscriber subscriber);

    /// <summary>
    /// Subscribes <paramref name="subscriber"/> to <c>nodeup</c> and <c>nodedown</c> of every node, or unsubscribes it (<c>monitor_nodes/2</c>).
    /// </summary>
    void MonitorNodes(bool enable, NodeEventSubscriber subscriber, MonitorNodesOptions? options = null);

    /// <summary>
    /// The node events from the moment of this call on, with reasons. The subscription ends when
    /// <paramref name="cancellationToken"/> is cancelled or the enumeration is disposed.
    /// </summary>
    IAsyncEnumerable<NodeEvent> WatchNodesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Broadcasts <paramref name="message"/> to every silo with Plumtree (<c>broadcast/2</c>): this silo's
    /// <typeparamref name="THandler"/> turns it into an id and a payload and merges it, and every other
    /// silo's <typeparamref name="THandler"/> merges it when it arrives (over the tree, a GRAFT, or an exchange).
    /// </summary>
    /// <returns><see langword="true"/> when the message was new here and was sent on; <see langword="false"/> when this silo's handler already had it.</returns>
    /// <exception cref="UnknownBroadcastHandlerException"><typeparamref name="THandler"/> is not registered on this silo.</exception>
    Task<bool> BroadcastAsync<THandler>(object message, CancellationToken cancellationToken = default)
        where THandler : IPartisanBroadcastHandler;

    /// <summary>As <see cref="BroadcastAsync{THandler}"/>, naming the handler as it was registered.</summary>
    /// <exception cref="UnknownBroadcastHandlerException">No handler of that name is registered on this silo.</exception>
    Task<bool> BroadcastAsync(string handler, object message, CancellationToken cancellationToken = default);

    /// <summary>The names of the broadcast handlers registered on this silo, sorted.</summary>
    IReadOnlyList<string> BroadcastHandlers { get; }

    /// <summary>This silo's links in every broadcast tree it knows, ordered by root.</summary>
    Task<IReadOnlyList<BroadcastTree>> GetBroadcastTreesAsync();

    /// <summary>What this silo's broadcast layer has sent and received since it started.</summary>
    BroadcastStatistics GetBroadcastStatistics();
}

namespace Orleans.Partisan.Protocols;

/// <summary>
/// Something a peer-service core asks its driver to do. Cores never perform I/O: they return
/// these, and the driver sends, dials and raises events.
/// </summary>
internal abstract record PeerServiceEffect;

/// <summary>Send <paramref name="Message"/> to <paramref name="To"/> on the default channel.</summary>
internal sealed record SendEffect(NodeName To, object Message) : PeerServiceEffect;

/// <summary>Keep connections open to <paramref name="Peer"/>.</summary>
internal sealed record ConnectEffect(NodeSpec Peer) : PeerServiceEffect;

/// <summary>Close the connections to <paramref name="Peer"/> and stop redialling it.</summary>
internal sealed record DisconnectEffect(NodeName Peer) : PeerServiceEffect;

/// <summary><paramref name="Member"/> joined the membership.</summary>
internal sealed record MemberJoinedEffect(NodeSpec Member) : PeerServiceEffect;

/// <summary><paramref name="Member"/> left the membership (it left, or was removed).</summary>
internal sealed record MemberLeftEffect(NodeSpec Member) : PeerServiceEffect;

/// <summary>This node is no longer a member: it left, or another member removed it.</summary>
/// <param name="RemovedBy">The node whose state removed this one, or this node itself for a leave.</param>
internal sealed record SelfLeftEffect(NodeName RemovedBy) : PeerServiceEffect;

/// <summary>
/// Call <see cref="IPeerServiceCore.OnTimer(CoreTimer)"/> with <paramref name="Timer"/> after <paramref name="Due"/>,
/// and then every <paramref name="Due"/> if <paramref name="Periodic"/>. Arming a timer again replaces it.
/// </summary>
internal sealed record ArmTimerEffect(CoreTimer Timer, TimeSpan Due, bool Periodic) : PeerServiceEffect;

/// <summary>
/// Ask which node listens at <paramref name="Endpoint"/> (an <c>address:port</c> as <c>IPEndPoint.ToString</c> writes it)
/// with a dial and handshake bounded by the connect timeout; the driver answers with <see cref="IPeerServiceCore.Probed"/>.
/// </summary>
internal sealed record ProbeEffect(string Endpoint) : PeerServiceEffect;

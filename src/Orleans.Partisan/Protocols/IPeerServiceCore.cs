namespace Orleans.Partisan.Protocols;

/// <summary>
/// A peer service (overlay) as a pure state machine: membership and the connections it wants,
/// driven by calls and answering with effects. Implementations are not thread-safe; the driver
/// serializes calls.
/// </summary>
/// <remarks>
/// What a driver (the real one, or a simulator) promises a core:
/// <list type="bullet">
/// <item>A <see cref="SendEffect"/> goes over the connection to its recipient. While the core wants a
/// connection to the recipient (it emitted <see cref="ConnectEffect"/> and no <see cref="DisconnectEffect"/>
/// since) and that connection is not up, yet or any more (the transport is redialling), the message
/// waits for it (a few per peer; older ones are dropped) and is sent before <see cref="PeerUp(NodeName)"/> is
/// called; a <see cref="DisconnectEffect"/> drops what waits. A message to a peer the core does not
/// want a connection to is dropped.</item>
/// <item>Messages between two nodes arrive in order, or not at all; effects are carried out in order.</item>
/// <item><see cref="PeerUp(NodeName)"/> and <see cref="PeerDown(NodeName)"/> report this node's own connection to the peer:
/// up when it opens, down when it is lost (the peer crashed or the network failed) or closed.</item>
/// <item>Timers fire on the same serialized loop as every other call.</item>
/// </list>
/// </remarks>
internal interface IPeerServiceCore
{
    /// <summary>This node.</summary>
    NodeSpec Self { get; }

    /// <summary>The members this node knows, itself included.</summary>
    IReadOnlyCollection<NodeSpec> Members { get; }

    /// <summary>
    /// Adds the names of <see cref="Members"/> to <paramref name="names"/>, in the same order: a list the caller owns
    /// and may reuse, so a caller that reads the members on every change allocates nothing.
    /// </summary>
    void AddMemberNames(List<NodeName> names)
    {
        foreach (var member in Members)
        {
            names.Add(member.Name);
        }
    }

    /// <summary>The members this node keeps connections to (HyParView's active view); every other member unless the core says otherwise.</summary>
    IReadOnlyCollection<NodeSpec> ActiveView => [.. Members.Where(m => m.Name != Self.Name)];

    /// <summary>The members known but held in reserve, not connected (HyParView's passive view); none unless the core says otherwise.</summary>
    IReadOnlyCollection<NodeSpec> PassiveView => [];

    /// <summary>Join the overlay through <paramref name="contact"/>.</summary>
    IReadOnlyList<PeerServiceEffect> Join(NodeSpec contact);

    /// <summary>
    /// Join through <paramref name="contact"/> even if this node is in an overlay already, to link its
    /// component to the contact's (the overlay fell apart). By default the same as <see cref="Join"/>.
    /// </summary>
    IReadOnlyList<PeerServiceEffect> Rejoin(NodeSpec contact) => Join(contact);

    /// <summary>Remove <paramref name="node"/> from the overlay, cluster-wide; this node itself for a graceful leave.</summary>
    IReadOnlyList<PeerServiceEffect> Leave(NodeName node);

    /// <summary>A peer-service message arrived from <paramref name="from"/>.</summary>
    IReadOnlyList<PeerServiceEffect> Handle(NodeName from, object message);

    /// <summary>
    /// <see cref="Handle(NodeName, object)"/>, its effects added to <paramref name="effects"/>: a list the caller owns and
    /// may reuse (the core keeps no reference to it). By default a copy of the returned list; a core driven at scale
    /// (HyParView, in the simulator) implements it without one. The same holds for the other calls taking a list.
    /// </summary>
    void Handle(NodeName from, object message, List<PeerServiceEffect> effects) => effects.AddRange(Handle(from, message));

    /// <summary>The core starts: typically arms its timers.</summary>
    IReadOnlyList<PeerServiceEffect> Start();

    /// <summary>A timer armed by an <see cref="ArmTimerEffect"/> fired.</summary>
    IReadOnlyList<PeerServiceEffect> OnTimer(CoreTimer timer);

    /// <summary><see cref="OnTimer(CoreTimer)"/>, its effects added to <paramref name="effects"/> (see <see cref="Handle(NodeName, object, List{PeerServiceEffect})"/>).</summary>
    void OnTimer(CoreTimer timer, List<PeerServiceEffect> effects) => effects.AddRange(OnTimer(timer));

    /// <summary>The first connection to <paramref name="peer"/> opened.</summary>
    IReadOnlyList<PeerServiceEffect> PeerUp(NodeName peer);

    /// <summary><see cref="PeerUp(NodeName)"/>, its effects added to <paramref name="effects"/> (see <see cref="Handle(NodeName, object, List{PeerServiceEffect})"/>).</summary>
    void PeerUp(NodeName peer, List<PeerServiceEffect> effects) => effects.AddRange(PeerUp(peer));

    /// <summary>The last connection to <paramref name="peer"/> closed.</summary>
    IReadOnlyList<PeerServiceEffect> PeerDown(NodeName peer);

    /// <summary><see cref="PeerDown(NodeName)"/>, its effects added to <paramref name="effects"/> (see <see cref="Handle(NodeName, object, List{PeerServiceEffect})"/>).</summary>
    void PeerDown(NodeName peer, List<PeerServiceEffect> effects) => effects.AddRange(PeerDown(peer));

    /// <summary>Whether <paramref name="message"/> belongs to this peer service.</summary>
    bool IsProtocolMessage(object message);

    /// <summary>
    /// Whether this node keeps a connection to the member <paramref name="node"/>. By default every member is a
    /// neighbour; the client-server overlay knows members it never connects to (a client's fellow clients).
    /// </summary>
    bool IsNeighbor(NodeName node) => true;

    /// <summary>
    /// The answer to a <see cref="ProbeEffect"/>: the node found listening at <paramref name="endpoint"/>, or
    /// <see langword="null"/> when none answered (refused, timed out, unreachable). Only a core that probes gets it.
    /// </summary>
    IReadOnlyList<PeerServiceEffect> Probed(string endpoint, NodeSpec? found) => [];
}

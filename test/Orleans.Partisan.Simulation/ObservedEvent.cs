namespace Orleans.Partisan.Simulation;

/// <summary>What a node observed, for tests and diagnostics.</summary>
internal enum ObservedKind : byte
{
    /// <summary>The node's connection to <see cref="ObservedEvent.Peer"/> opened (<c>PeerUp</c> was called).</summary>
    PeerUp,

    /// <summary>The node's connection to <see cref="ObservedEvent.Peer"/> was lost or closed (<c>PeerDown</c> was called).</summary>
    PeerDown,

    /// <summary>The core reported <see cref="ObservedEvent.Peer"/> joined (<c>MemberJoinedEffect</c>).</summary>
    MemberJoined,

    /// <summary>The core reported <see cref="ObservedEvent.Peer"/> left (<c>MemberLeftEffect</c>).</summary>
    MemberLeft,

    /// <summary>The core reported it is no longer a member; <see cref="ObservedEvent.Peer"/> is who removed it (<c>SelfLeftEffect</c>).</summary>
    SelfLeft,

    /// <summary>The node crashed; <see cref="ObservedEvent.Peer"/> is the node itself.</summary>
    Crashed,

    /// <summary>The node restarted with a new core; <see cref="ObservedEvent.Peer"/> is the node itself.</summary>
    Restarted,
}

/// <summary>One thing a node observed, at a virtual time.</summary>
internal readonly record struct ObservedEvent(TimeSpan At, ObservedKind Kind, NodeName Peer)
{
    /// <inheritdoc />
    public override string ToString() => $"{At} {Kind} {Peer}";
}

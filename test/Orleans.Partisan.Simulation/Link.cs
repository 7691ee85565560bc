namespace Orleans.Partisan.Simulation;

/// <summary>The state of a directed connection.</summary>
internal enum LinkState : byte
{
    /// <summary>No connection, and none being made.</summary>
    Closed,

    /// <summary>The handshake is under way: a <see cref="EventKind.ConnectComplete"/> is scheduled.</summary>
    Connecting,

    /// <summary>
    /// The core wants the connection but its peer is dead or partitioned away: nothing is scheduled;
    /// the connection is made when the peer restarts under its name or the partition heals.
    /// </summary>
    Parked,

    /// <summary>Open: <c>PeerUp</c> was called and messages go over it.</summary>
    Open,

    /// <summary>
    /// Lost (crash or partition) and the sender not told yet: a <see cref="EventKind.PeerDownNotice"/>
    /// is scheduled, and what is written meanwhile is lost, as on a TCP connection that is not yet reset.
    /// </summary>
    Broken,
}

/// <summary>
/// The directed connection <see cref="From"/>→<see cref="To"/> as the simulator sees it: the
/// transport's outbound side of one node, with the driver's queue of messages waiting for it. Only the
/// sender's worker reads or writes it: the recipient learns of a broken link from
/// <see cref="SimNode.DeadEpochs"/>, written when the link breaks (between windows).
/// </summary>
internal sealed class Link(int from, int to)
{
    /// <summary>The node that dials.</summary>
    public readonly int From = from;

    /// <summary>The node dialled.</summary>
    public readonly int To = to;

    /// <summary>Where the connection is.</summary>
    public LinkState State;

    /// <summary>Whether the core asked to connect (and has not disconnected since): the transport keeps redialling.</summary>
    public bool Intent;

    /// <summary>Whether <c>PeerUp</c> was reported and <c>PeerDown</c> not yet: ups and downs alternate.</summary>
    public bool UpReported;

    /// <summary>
    /// Stamped on every message sent (a token of the sender's, so it only grows); replaced when the
    /// connection breaks abruptly, and the old one noted at the recipient, so that what was in flight is
    /// lost. A graceful close keeps it: what was written still arrives.
    /// </summary>
    public long Epoch;

    /// <summary>The token of the scheduled <see cref="EventKind.ConnectComplete"/>.</summary>
    public long Attempt;

    /// <summary>The token of the scheduled <see cref="EventKind.PeerDownNotice"/>.</summary>
    public long DownToken;

    /// <summary>
    /// The arrival time (ticks) of the last message sent: no later message arrives before it (FIFO), and
    /// nothing is in flight once the clock has passed it (reset when the link breaks: what was in flight is lost).
    /// </summary>
    public long LastArrival;

    /// <summary>Whether a <see cref="EventKind.ForgetLink"/> is scheduled for <see cref="LastArrival"/>.</summary>
    public bool ForgetScheduled;

    /// <summary>Messages waiting for the connection, oldest first; while <see cref="Intent"/>.</summary>
    public Queue<object>? Waiting;

    /// <inheritdoc />
    public override string ToString() => $"{From}->{To} {State}{(Intent ? " wanted" : "")}{(UpReported ? " up" : "")}";
}

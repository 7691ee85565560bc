namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// A message this node was told about (IHAVE) and has not received: who announced it, in the order
/// the announcements came, and where the repair stands (SRDS 2007 §3.5, the paper's <c>missing</c> set).
/// </summary>
internal sealed class PlumtreeMissing(string handler, NodeName root, PlumtreeTimer.Graft timer)
{
    /// <summary>The handler that owns the message.</summary>
    public string Handler { get; } = handler;

    /// <summary>The root of the message's tree.</summary>
    public NodeName Root { get; } = root;

    /// <summary>This message's graft timer.</summary>
    public PlumtreeTimer.Graft Timer { get; } = timer;

    /// <summary>The announcers not grafted yet, with the round each announced, oldest first.</summary>
    public List<BroadcastAnnouncementFrom> Announcers { get; } = [];

    /// <summary>The announcers already grafted for this message: their answers are not duplicates to prune.</summary>
    public List<NodeName> Grafted { get; } = [];

    /// <summary>Where the repair stands.</summary>
    public PlumtreeMissingState State { get; set; }

    /// <summary>
    /// Records an announcement of <paramref name="from"/> unless it is already waiting to be grafted (an
    /// announcer grafted before may be recorded again: its new IHAVE shows it has the message).
    /// </summary>
    /// <returns>Whether it was recorded.</returns>
    public bool AddAnnouncer(NodeName from, int round)
    {
        foreach (var announcer in Announcers)
        {
            if (announcer.From == from)
            {
                return false;
            }
        }

        Announcers.Add(new BroadcastAnnouncementFrom(from, round));
        return true;
    }
}

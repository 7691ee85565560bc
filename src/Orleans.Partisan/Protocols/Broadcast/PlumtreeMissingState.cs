namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>Where the repair of a missing message stands.</summary>
internal enum PlumtreeMissingState
{
    /// <summary>The handler is asked whether the message is stale; no timer runs yet.</summary>
    Checking,

    /// <summary>The first timer runs (<see cref="PlumtreeOptions.GraftTimeout"/>): the message may still come by the tree.</summary>
    Waiting,

    /// <summary>A GRAFT was sent and the second timer runs (<see cref="PlumtreeOptions.SecondGraftTimeout"/>).</summary>
    Grafting,

    /// <summary>Every announcer was grafted and no timer runs: the next IHAVE of the message starts the first timer again.</summary>
    Exhausted,
}

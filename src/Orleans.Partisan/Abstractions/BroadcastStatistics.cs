namespace Orleans.Partisan;

/// <summary>What one silo's broadcast layer has sent and received since it started (also exported as metrics).</summary>
[GenerateSerializer, Immutable, Alias("partisan.BroadcastStatistics")]
public sealed record BroadcastStatistics
{
    /// <summary>Broadcasts this silo originated.</summary>
    [Id(0)]
    public long Originated { get; init; }

    /// <summary>Messages merged as new by a local handler (originated ones included).</summary>
    [Id(1)]
    public long Delivered { get; init; }

    /// <summary>GOSSIP messages (with payload) sent.</summary>
    [Id(2)]
    public long GossipSent { get; init; }

    /// <summary>GOSSIP messages received.</summary>
    [Id(3)]
    public long GossipReceived { get; init; }

    /// <summary>IHAVE batches sent.</summary>
    [Id(4)]
    public long IHaveSent { get; init; }

    /// <summary>GRAFT requests sent.</summary>
    [Id(5)]
    public long GraftSent { get; init; }

    /// <summary>PRUNE messages sent.</summary>
    [Id(6)]
    public long PruneSent { get; init; }

    /// <summary>Handler calls that threw or timed out.</summary>
    [Id(7)]
    public long HandlerFailures { get; init; }

    /// <summary>Anti-entropy exchanges started.</summary>
    [Id(8)]
    public long Exchanges { get; init; }

    /// <summary>Every message of the broadcast layer sent, of any kind.</summary>
    public long MessagesSent => GossipSent + IHaveSent + GraftSent + PruneSent;
}

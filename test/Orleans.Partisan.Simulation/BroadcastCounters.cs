using System.Text;

namespace Orleans.Partisan.Simulation;

/// <summary>What the cores of one broadcast protocol sent and asked, over the whole simulation.</summary>
internal sealed class BroadcastCounters
{
    /// <summary>GOSSIP messages (the payload-carrying ones) handed to a connection.</summary>
    public long Gossip { get; internal set; }

    /// <summary>IHAVE messages handed to a connection.</summary>
    public long IHave { get; internal set; }

    /// <summary>Announcements those IHAVE messages carried.</summary>
    public long Announcements { get; internal set; }

    /// <summary>GRAFT messages handed to a connection.</summary>
    public long Graft { get; internal set; }

    /// <summary>PRUNE messages handed to a connection.</summary>
    public long Prune { get; internal set; }

    /// <summary>Messages the cores addressed to a node they had no open connection to (dropped, as the driver does).</summary>
    public long NotSent { get; internal set; }

    /// <summary>Handler calls (merge, stale check, graft payload) answered.</summary>
    public long HandlerCalls { get; internal set; }

    /// <summary>Anti-entropy exchanges the cores asked for.</summary>
    public long ExchangesAsked { get; internal set; }

    /// <summary>Exchanges that completed (both nodes alive and reachable, exchanges simulated).</summary>
    public long Exchanges { get; internal set; }

    /// <summary>Messages one side of a completed exchange lacked and took from the other.</summary>
    public long ExchangeTransfers { get; internal set; }

    /// <summary>Adds what <paramref name="other"/> counted (a worker's counts since the last sum) and zeroes it.</summary>
    internal void AddAndClear(BroadcastCounters other)
    {
        Gossip += other.Gossip;
        IHave += other.IHave;
        Announcements += other.Announcements;
        Graft += other.Graft;
        Prune += other.Prune;
        NotSent += other.NotSent;
        HandlerCalls += other.HandlerCalls;
        ExchangesAsked += other.ExchangesAsked;
        Exchanges += other.Exchanges;
        ExchangeTransfers += other.ExchangeTransfers;
        other.Gossip = other.IHave = other.Announcements = other.Graft = other.Prune = 0;
        other.NotSent = other.HandlerCalls = other.ExchangesAsked = other.Exchanges = other.ExchangeTransfers = 0;
    }

    /// <summary>Control messages: IHAVE, GRAFT and PRUNE.</summary>
    public long Control => IHave + Graft + Prune;

    /// <inheritdoc />
    public override string ToString()
        => new StringBuilder()
            .Append("gossip=").Append(Gossip)
            .Append(" ihave=").Append(IHave).Append(" (").Append(Announcements).Append(" announcements)")
            .Append(" graft=").Append(Graft)
            .Append(" prune=").Append(Prune)
            .Append(" not-sent=").Append(NotSent)
            .Append(" handler-calls=").Append(HandlerCalls)
            .Append(" exchanges=").Append(Exchanges).Append('/').Append(ExchangesAsked)
            .Append(" exchanged=").Append(ExchangeTransfers)
            .ToString();
}

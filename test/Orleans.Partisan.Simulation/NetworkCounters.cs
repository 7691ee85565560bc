using System.Text;

namespace Orleans.Partisan.Simulation;

/// <summary>Why a message did not reach its recipient's core.</summary>
internal enum DropReason : byte
{
    /// <summary>Lost on an open connection, by the seeded <see cref="SimulationOptions.LossRate"/>.</summary>
    Loss,

    /// <summary>
    /// Its connection broke (the recipient or the sender crashed, or a partition cut it) while it was
    /// in flight, or it was written to a connection that had broken and whose loss the sender had
    /// not yet been told of.
    /// </summary>
    Broken,

    /// <summary>Sent to a peer the core has no connection to and did not ask to connect to.</summary>
    NotConnected,

    /// <summary>The oldest message waiting for a connection, pushed out by a newer one (<see cref="SimulationOptions.MaxWaitingPerPeer"/>).</summary>
    WaitingOverflow,

    /// <summary>Waiting for a connection when the core disconnected from that peer.</summary>
    Disconnected,

    /// <summary>Sent to a name that is no node of the simulation.</summary>
    UnknownPeer,
}

/// <summary>The message counters of a simulation.</summary>
internal sealed class NetworkCounters
{
    private readonly long[] _dropped = new long[Enum.GetValues<DropReason>().Length];

    /// <summary>Messages handed to an open (or broken, not yet noticed) connection.</summary>
    public long Sent { get; internal set; }

    /// <summary>Messages handed to their recipient's core.</summary>
    public long Delivered { get; internal set; }

    /// <summary>Messages that waited for a connection the core asked for.</summary>
    public long Waited { get; internal set; }

    /// <summary>Connections that opened (each <c>PeerUp</c>).</summary>
    public long ConnectionsOpened { get; internal set; }

    /// <summary>Connections reported down (each <c>PeerDown</c>).</summary>
    public long ConnectionsLost { get; internal set; }

    /// <summary>Messages dropped for <paramref name="reason"/>.</summary>
    public long Dropped(DropReason reason) => _dropped[(int)reason];

    /// <summary>Messages dropped for any reason.</summary>
    public long TotalDropped
    {
        get
        {
            long total = 0;
            foreach (var count in _dropped)
            {
                total += count;
            }

            return total;
        }
    }

    internal void Drop(DropReason reason) => _dropped[(int)reason]++;

    internal void Drop(DropReason reason, long count) => _dropped[(int)reason] += count;

    /// <summary>Adds what <paramref name="other"/> counted (a worker's counts since the last sum) and zeroes it.</summary>
    internal void AddAndClear(NetworkCounters other)
    {
        Sent += other.Sent;
        Delivered += other.Delivered;
        Waited += other.Waited;
        ConnectionsOpened += other.ConnectionsOpened;
        ConnectionsLost += other.ConnectionsLost;
        other.Sent = other.Delivered = other.Waited = other.ConnectionsOpened = other.ConnectionsLost = 0;
        for (var i = 0; i < _dropped.Length; i++)
        {
            _dropped[i] += other._dropped[i];
            other._dropped[i] = 0;
        }
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder()
            .Append("sent=").Append(Sent)
            .Append(" delivered=").Append(Delivered)
            .Append(" waited=").Append(Waited)
            .Append(" up=").Append(ConnectionsOpened)
            .Append(" down=").Append(ConnectionsLost);
        foreach (var reason in Enum.GetValues<DropReason>())
        {
            if (_dropped[(int)reason] > 0)
            {
                text.Append(" dropped.").Append(reason).Append('=').Append(_dropped[(int)reason]);
            }
        }

        return text.ToString();
    }
}

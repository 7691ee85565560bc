namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>
/// The sender side of acknowledged delivery, for every destination node: numbers messages, keeps them
/// until acknowledged in a bounded window, hands them out again for retransmission, and fails them when
/// the destination goes or their deadline passes. A pure core: time is passed in, effects are returned.
/// </summary>
/// <remarks>
/// <para>
/// <b>Numbers.</b> Per destination, messages are numbered from 1 within a session (<see cref="AckStamp"/>).
/// A destination is a node name, and names carry the process incarnation, so a restarted node is a new
/// destination with a state of its own. A destination whose messages are all acknowledged keeps its session
/// until the next <see cref="Tick"/> that is due finds it still idle (at most <see cref="RetransmitInterval"/>
/// after its last message), so a steady sender that is acknowledged in full between sends goes on in one session
/// rather than opening one per round trip; then its state is dropped (so memory follows the destinations in use),
/// as <see cref="Forget"/> drops it at once. Sending there again opens a higher session (one counter for the whole
/// tracker), which tells the receiver to start afresh. That is safe because nothing of the old session is
/// outstanding: whatever of it still arrives was delivered already, or was given up.
/// </para>
/// <para>
/// <b>Window.</b> A destination has room while its numbers in use, from the lowest outstanding one
/// (<see cref="AckStamp.Base"/>) to the next, are fewer than <see cref="MaxUnacked"/>; a full window is
/// the caller's backpressure (<see cref="HasRoom"/>, and <see cref="TryTrack"/> refuses). Bounding the range
/// rather than the count bounds what the receiver keeps too: it never sees a number more than the window
/// above what it has delivered in order.
/// </para>
/// <para>
/// <b>Order.</b> Each message names the previous outstanding message of its <see cref="OrderKey"/> (same
/// channel and partition key) as its predecessor, and the receiver delivers it only after that one. So
/// messages of one key are delivered in the order they were sent whatever the network does: a lost message
/// retransmitted later, a retransmission after a reconnect racing new messages, a lane that closed while
/// another of the channel carried on. Retransmissions (<see cref="Reconnected"/>, <see cref="Tick"/>) are
/// handed out in number order.
/// </para>
/// <para>
/// <b>Giving up.</b> A message is given up (not retransmitted any more) when its deadline passes or
/// its destination is failed (<see cref="Fail"/>), unless it is <em>pinned</em>: a causal message is kept
/// until acknowledged or the destination leaves (<see cref="Forget"/>), since the destination's later causal
/// messages from this node wait for it. A message given up may still arrive once (a copy was in flight);
/// the base in later stamps tells the receiver to stop waiting for it, so it is never delivered twice.
/// </para>
/// <para>Not thread-safe; the caller serializes calls.</para>
/// </remarks>
/// <typeparam name="T">What the caller keeps with a message until it is acknowledged.</typeparam>
internal sealed class AckTracker<T>
{
    private readonly Dictionary<NodeName, AckDestination<T>> _destinations = [];

    // The destination of the last look-up: a sender sends in runs to one node, and a name compared with itself costs
    // less than hashing it. Cleared whenever a destination is dropped.
    private NodeName _lastDestination;
    private AckDestination<T>? _lastState;
    private long _lastSession;
    private TimeSpan? _nextDue;

    /// <summary>Creates the tracker.</summary>
    /// <param name="maxUnacked">The window per destination; at least 1.</param>
    /// <param name="retransmitInterval">How long a copy goes unacknowledged before it is sent again; more than zero.</param>
    public AckTracker(int maxUnacked, TimeSpan retransmitInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxUnacked, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retransmitInterval, TimeSpan.Zero);
        MaxUnacked = maxUnacked;
        RetransmitInterval = retransmitInterval;
    }

    /// <summary>The window per destination.</summary>
    public int MaxUnacked { get; }

    /// <summary>How long a copy goes unacknowledged before it is sent again.</summary>
    public TimeSpan RetransmitInterval { get; }

    /// <summary>When <see cref="Tick"/> next has something to do (a retransmission or a timeout), or <see langword="null"/>.</summary>
    public TimeSpan? NextDue => _nextDue;

    /// <summary>How many messages to <paramref name="destination"/> are outstanding.</summary>
    public int OutstandingCount(NodeName destination) => _destinations.TryGetValue(destination, out var state) ? state.Count : 0;

    /// <summary>How many messages are outstanding in all.</summary>
    public int TotalOutstanding => _destinations.Values.Sum(d => d.Count);

    /// <summary>The destinations with state.</summary>
    public IReadOnlyCollection<NodeName> Destinations => _destinations.Keys;

    /// <summary>Whether <paramref name="destination"/>'s window has room for one more message.</summary>
    public bool HasRoom(NodeName destination)
        => !TryGetDestination(destination, out var state) || state.NextSequence - state.Base < MaxUnacked;

    /// <summary>
    /// Numbers <paramref name="message"/> for <paramref name="destination"/> and keeps it until acknowledged;
    /// false (and nothing kept) when the window is full. The caller sends it with <paramref name="stamp"/>.
    /// </summary>
    /// <param name="destination">Where it goes.</param>
    /// <param name="message">The caller's message.</param>
    /// <param name="key">Its order key, or <see langword="null"/> when its order does not matter.</param>
    /// <param name="pinned">Whether it is never given up while the destination lives.</param>
    /// <param name="now">The current time.</param>
    /// <param name="deadline">When its sender stops waiting for the acknowledgement (see <see cref="Tick"/>), or <see langword="null"/> for never.</param>
    /// <param name="stamp">What to send with it.</param>
    public bool TryTrack(NodeName destination, T message, OrderKey? key, bool pinned, TimeSpan now, TimeSpan? deadline, out AckStamp stamp)
    {
        if (destination.IsEmpty)
        {
            throw new ArgumentException("The destination needs a name.", nameof(destination));
        }

        if (!TryGetDestination(destination, out var state))
        {
            _destinations[destination] = state = new AckDestination<T>(++_lastSession);
            (_lastDestination, _lastState) = (destination, state);
        }

        if (state.NextSequence - state.Base >= MaxUnacked)
        {
            stamp = default;
            return false;
        }

        var sequence = state.Add(message, key, pinned, deadline, now);
        Due(now + RetransmitInterval);
        Due(deadline);
        stamp = state.StampOf(sequence);
        return true;
    }

    /// <summary>
    /// <paramref name="from"/> acknowledged messages of <paramref name="report"/>'s session; returns them
    /// (acknowledged now, each once), in number order. An acknowledgement of another session is ignored.
    /// </summary>
    public IReadOnlyList<T> OnAck(NodeName from, AckReport report)
    {
        var acked = new List<T>();
        OnAck(from, report, acked);
        return acked;
    }

    /// <summary>As <see cref="OnAck(NodeName, AckReport)"/>, adding the messages acknowledged now to <paramref name="acked"/> (a list the caller reuses).</summary>
    public void OnAck(NodeName from, AckReport report, List<T> acked)
    {
        if (!TryGetDestination(from, out var state) || state.Session != report.Session)
        {
            return;
        }

        var contiguous = Math.Min(report.Contiguous, state.NextSequence - 1);
        for (var sequence = state.Base; sequence <= contiguous; sequence++)
        {
            Acknowledged(state, sequence, acked);
        }

        foreach (var sequence in report.Above ?? [])
        {
            Acknowledged(state, sequence, acked);
        }

        DropIfIdle(from, state);
    }

    private static void Acknowledged(AckDestination<T> state, long sequence, List<T> acked)
    {
        if (state.Has(sequence))
        {
            acked.Add(state.Entry(sequence).Message);
            state.Remove(sequence);
        }
    }

    /// <summary>
    /// The connection to <paramref name="destination"/> came up again: every outstanding message to it, in
    /// number order, to send again now (before new messages, though the predecessors keep the order anyway).
    /// </summary>
    public IReadOnlyList<AckOutgoing<T>> Reconnected(NodeName destination, TimeSpan now)
    {
        if (!_destinations.TryGetValue(destination, out var state))
        {
            return [];
        }

        var sequences = state.InOrder();
        var copies = new List<AckOutgoing<T>>(sequences.Count);
        foreach (var sequence in sequences)
        {
            ref var entry = ref state.Entry(sequence);
            entry.LastSent = now;
            copies.Add(new(destination, entry.Message, state.StampOf(sequence)));
        }

        Due(now + RetransmitInterval);
        return copies;
    }

    /// <summary>
    /// Time passed: messages whose deadline passed are reported (and given up unless pinned), and
    /// messages not acknowledged for <see cref="RetransmitInterval"/> are handed out to send again, in number
    /// order per destination.
    /// </summary>
    public AckTick<T> Tick(TimeSpan now)
    {
        if (_nextDue is not { } due || due > now)
        {
            return new([], [], _nextDue);
        }

        var retransmit = new List<AckOutgoing<T>>();
        var expired = new List<AckExpired<T>>();
        TimeSpan? next = null;
        List<NodeName>? idle = null;
        foreach (var (destination, state) in _destinations)
        {
            var sequences = state.InOrder();
            foreach (var sequence in sequences)
            {
                ref var entry = ref state.Entry(sequence);
                if (entry.Deadline is { } deadline && deadline <= now)
                {
                    expired.Add(new(destination, entry.Message));
                    entry.Deadline = null;
                    if (!entry.Pinned)
                    {
                        state.Remove(sequence);
                    }
                }
            }

            if (state.Count == 0)
            {
                (idle ??= []).Add(destination);
                continue;
            }

            foreach (var sequence in sequences)
            {
                if (!state.Has(sequence))
                {
                    continue;
                }

                ref var entry = ref state.Entry(sequence);
                if (now - entry.LastSent >= RetransmitInterval)
                {
                    entry.LastSent = now;
                    retransmit.Add(new(destination, entry.Message, state.StampOf(sequence)));
                }

                next = Earlier(next, entry.LastSent + RetransmitInterval);
                next = Earlier(next, entry.Deadline);
            }
        }

        foreach (var destination in idle ?? [])
        {
            Drop(destination);
        }

        _nextDue = next;
        return new(retransmit, expired, next);
    }

    /// <summary>
    /// <paramref name="destination"/> went down and its senders are to be told: returns every outstanding
    /// message to it; those not pinned are given up, the pinned ones stay for retransmission after a reconnect.
    /// </summary>
    public IReadOnlyList<T> Fail(NodeName destination)
    {
        if (!_destinations.TryGetValue(destination, out var state))
        {
            return [];
        }

        var failed = new List<T>();
        foreach (var sequence in state.InOrder())
        {
            ref var entry = ref state.Entry(sequence);
            failed.Add(entry.Message);
            entry.Deadline = null;
            if (!entry.Pinned)
            {
                state.Remove(sequence);
            }
        }

        DropIfIdle(destination, state);
        return failed;
    }

    /// <summary>
    /// <paramref name="destination"/> left for good: returns every outstanding message to it and drops its
    /// state. Sending there again opens a new session.
    /// </summary>
    public IReadOnlyList<T> Forget(NodeName destination)
        => Drop(destination) is { } state ? [.. state.InOrder().Select(sequence => state.Entry(sequence).Message)] : [];

    /// <summary>Gives up message <paramref name="sequence"/> to <paramref name="destination"/> (it could not be sent at all); false if it is not outstanding.</summary>
    public bool Withdraw(NodeName destination, long sequence)
    {
        if (!_destinations.TryGetValue(destination, out var state) || !state.Remove(sequence))
        {
            return false;
        }

        DropIfIdle(destination, state);
        return true;
    }

    /// <summary>
    /// A destination with nothing outstanding keeps its state until a due <see cref="Tick"/> finds it idle: make sure
    /// one comes (a message tracked since the last tick made one due already).
    /// </summary>
    private void DropIfIdle(NodeName destination, AckDestination<T> state)
    {
        if (state.Count == 0 && _nextDue is null)
        {
            Drop(destination);
        }
    }

    private bool TryGetDestination(NodeName destination, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AckDestination<T>? state)
    {
        if (_lastState is not null && _lastDestination == destination)
        {
            state = _lastState;
            return true;
        }

        if (!_destinations.TryGetValue(destination, out state))
        {
            return false;
        }

        (_lastDestination, _lastState) = (destination, state);
        return true;
    }

    private AckDestination<T>? Drop(NodeName destination)
    {
        _lastState = null;
        return _destinations.Remove(destination, out var state) ? state : null;
    }

    private static TimeSpan? Earlier(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private void Due(TimeSpan? at) => _nextDue = Earlier(_nextDue, at);
}

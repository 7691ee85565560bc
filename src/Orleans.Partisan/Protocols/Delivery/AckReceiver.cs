namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>
/// The receiver side of acknowledged delivery, for every sender: de-duplicates by number, holds a message
/// until the previous one of its order key is delivered, and says what to acknowledge. A pure core.
/// </summary>
/// <remarks>
/// <para>
/// <b>De-duplication.</b> Per sender (and its session, see <see cref="AckStamp.Session"/>), the highest
/// number up to which everything was delivered, and the set of numbers above it that were delivered too.
/// That set is bounded: a number more than <see cref="Window"/> above the contiguous one is refused, not
/// acknowledged, so its sender retransmits it later; a sender whose window is not larger than this one's
/// never gets there. A message accepted but not yet completed (a grain call under way, a causal message
/// waiting) is in progress: another copy is dropped, and it is acknowledged only when completed, so an
/// acknowledged message was delivered, and delivered once.
/// </para>
/// <para>
/// <b>Acknowledgements</b> are cumulative (<see cref="AckReport"/>): the contiguous number and a sample of
/// the numbers above it. A duplicate makes one due again, since the last may have been lost.
/// </para>
/// <para>
/// <b>Senders that leave</b> (<see cref="SenderLeft"/>): their state is set aside (the last
/// <see cref="RememberedDepartures"/>) rather than dropped, and taken back if the sender shows up again, so
/// a late copy of a delivered message is still recognised; held messages are discarded.
/// </para>
/// <para>Not thread-safe; the caller serializes calls.</para>
/// </remarks>
/// <typeparam name="T">What the caller keeps with a held message.</typeparam>
internal sealed class AckReceiver<T>
{
    /// <summary>How many departed senders' states are kept aside.</summary>
    public const int RememberedDepartures = 1024;

    /// <summary>At most this many numbers above the contiguous one go in an acknowledgement.</summary>
    public const int MaxReportedAbove = 256;

    private readonly Dictionary<NodeName, AckSenderState<T>> _senders = [];

    // The sender of the last look-up: messages come in runs from one sender, and a name compared with itself costs
    // less than hashing it.
    private NodeName _lastFrom;
    private AckSenderState<T>? _lastState;
    private readonly Dictionary<NodeName, AckSenderState<T>> _departed = [];
    private readonly Queue<NodeName> _departedOrder = new();

    /// <summary>Creates the receiver.</summary>
    /// <param name="window">How far above the contiguous number a message may be; at least 1.</param>
    public AckReceiver(int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        Window = window;
    }

    /// <summary>How far above the contiguous number a message may be.</summary>
    public int Window { get; }

    /// <summary>The senders with state.</summary>
    public IReadOnlyCollection<NodeName> Senders => _senders.Keys;

    /// <summary>How many messages are held in all.</summary>
    public int HeldCount => _senders.Values.Sum(s => s.HeldCount);

    /// <summary>A message from <paramref name="from"/> arrived with <paramref name="stamp"/>.</summary>
    public AckArrival<T> Receive(NodeName from, AckStamp stamp, T item)
    {
        if (!stamp.IsValid)
        {
            return new(AckOutcome.Invalid, []);
        }

        if (!TryGetSender(from, out var state))
        {
            if (_departed.Remove(from, out var returned))
            {
                state = returned;
            }
            else
            {
                state = new AckSenderState<T>(stamp.Session);
            }

            SetSender(from, state);
        }

        if (stamp.Session < state.Session)
        {
            return new(AckOutcome.Stale, []);
        }

        if (stamp.Session > state.Session)
        {
            // The sender dropped its state for this node and started afresh: what it held before is given up.
            SetSender(from, state = new AckSenderState<T>(stamp.Session));
        }

        List<AckAccepted<T>>? released = null;
        var dropped = AdvanceTo(state, stamp.Base - 1, ref released);
        var sequence = stamp.Sequence;
        AckOutcome outcome;
        if (state.IsDone(sequence))
        {
            state.ReportDue = true;
            outcome = AckOutcome.Duplicate;
        }
        else if (state.IsInProgress(sequence) || state.IsHeld(sequence))
        {
            outcome = AckOutcome.InProgress;
        }
        else if (sequence > state.Contiguous + Window)
        {
            outcome = AckOutcome.Refused;
        }
        else if (stamp.Predecessor != 0 && !state.IsDone(stamp.Predecessor))
        {
            if (!state.Held.TryGetValue(stamp.Predecessor, out var waiting))
            {
                state.Held[stamp.Predecessor] = waiting = [];
            }

            waiting.Add((sequence, item));
            outcome = AckOutcome.Held;
        }
        else
        {
            state.StartProgress(sequence);
            outcome = AckOutcome.Accepted;
        }

        return new(outcome, released ?? (IReadOnlyList<AckAccepted<T>>)[], dropped);
    }

    /// <summary>
    /// Message <paramref name="sequence"/> of <paramref name="from"/>'s <paramref name="session"/> was delivered:
    /// it is acknowledged at the next report, and the messages held for it are returned, accepted now.
    /// Ignored for a session that is not the current one.
    /// </summary>
    public IReadOnlyList<AckAccepted<T>> Completed(NodeName from, long session, long sequence)
    {
        if (!TryGetSender(from, out var state) || state.Session != session)
        {
            return [];
        }

        state.MarkDone(sequence);
        state.ReportDue = true;
        if (state.HeldGroups == 0 || !state.Held.Remove(sequence, out var waiting))
        {
            return [];
        }

        var released = new List<AckAccepted<T>>(waiting.Count);
        foreach (var (held, item) in waiting)
        {
            state.StartProgress(held);
            released.Add(new(session, held, item));
        }

        return released;
    }

    /// <summary>Message <paramref name="sequence"/> was accepted but could not be delivered: forget it, so its next copy is accepted again.</summary>
    public void Abandoned(NodeName from, long session, long sequence)
    {
        if (TryGetSender(from, out var state) && state.Session == session)
        {
            state.EndProgress(sequence);
        }
    }

    /// <summary>The acknowledgement due to <paramref name="from"/>, if one is; taking it clears it.</summary>
    public AckReport? TakeReport(NodeName from)
    {
        if (!TryGetSender(from, out var state) || !state.ReportDue)
        {
            return null;
        }

        state.ReportDue = false;
        var above = state.DoneCount == 0 ? [] : state.Done.Order().Take(MaxReportedAbove).ToArray();
        return new AckReport(state.Session, state.Contiguous, above);
    }

    /// <summary>The senders an acknowledgement is due to.</summary>
    public IEnumerable<NodeName> ReportsDue => _senders.Where(s => s.Value.ReportDue).Select(s => s.Key);

    /// <summary><paramref name="from"/> left: its state is set aside and its held messages are returned, discarded.</summary>
    public IReadOnlyList<T> SenderLeft(NodeName from)
    {
        _lastState = null;
        if (!_senders.Remove(from, out var state))
        {
            return [];
        }

        var discarded = state.HeldGroups == 0 ? [] : state.Held.Values.SelectMany(w => w.Select(h => h.Item)).ToList();
        if (state.HeldGroups > 0)
        {
            state.Held.Clear();
        }

        state.ReportDue = false;
        _departed[from] = state;
        _departedOrder.Enqueue(from);
        while (_departedOrder.Count > RememberedDepartures)
        {
            var oldest = _departedOrder.Dequeue();
            if (!_senders.ContainsKey(oldest))
            {
                _departed.Remove(oldest);
            }
        }

        return discarded;
    }

    private bool TryGetSender(NodeName from, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AckSenderState<T>? state)
    {
        if (_lastState is not null && _lastFrom == from)
        {
            state = _lastState;
            return true;
        }

        if (!_senders.TryGetValue(from, out state))
        {
            return false;
        }

        (_lastFrom, _lastState) = (from, state);
        return true;
    }

    private void SetSender(NodeName from, AckSenderState<T> state)
    {
        _senders[from] = state;
        (_lastFrom, _lastState) = (from, state);
    }

    /// <summary>
    /// The sender gave up everything up to <paramref name="contiguous"/>: stop waiting for it. Held messages
    /// numbered up to it are dropped (given up too); those whose predecessor is now done are released.
    /// </summary>
    private static int AdvanceTo(AckSenderState<T> state, long contiguous, ref List<AckAccepted<T>>? released)
    {
        if (contiguous <= state.Contiguous)
        {
            return 0;
        }

        state.AdvanceTo(contiguous);
        if (state.HeldGroups == 0)
        {
            return 0;
        }

        var dropped = 0;
        foreach (var predecessor in state.Held.Keys.Where(state.IsDone).ToList())
        {
            state.Held.Remove(predecessor, out var waiting);
            foreach (var (sequence, item) in waiting!)
            {
                if (state.IsDone(sequence))
                {
                    dropped++;
                }
                else
                {
                    state.StartProgress(sequence);
                    (released ??= []).Add(new(state.Session, sequence, item));
                }
            }
        }

        return dropped;
    }
}

namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>
/// Causal delivery of point-to-point messages, per label (Partisan's <c>partisan_causality_backend</c>):
/// a message is delivered only after every message of its label that was sent to the same node and
/// causally precedes it. A pure core for one node: the caller stamps what it sends with <see cref="Stamp"/>,
/// hands what arrives to <see cref="Receive"/> and delivers what it is told to, in that order.
/// </summary>
/// <remarks>
/// <para>
/// <b>Clocks.</b> Per label, the receiver keeps a vector clock of how many messages it has delivered from
/// each sender. A message from P to Q carries its sender's clock for Q (the row of Q in the stamp): how
/// many messages of the label each node had sent to Q in the causal past of this one, this one counted in
/// P's entry. It is deliverable when it is the next from its sender (P's entry is one more than Q has
/// delivered from P) and every other entry is at most what Q has delivered from that node; otherwise it
/// waits, and each delivery checks the waiting messages again, in a loop, since one delivery can release
/// others. A sender counts a message in its own entry of the destination's row when it stamps it, and its
/// knowledge includes the stamps of the messages it has delivered (merged entry-wise), so whatever
/// happened before a send is in that send's stamp.
/// </para>
/// <para>
/// <b>Why a row per destination.</b> A single vector per node (causal broadcast's clock) cannot tell "the
/// next from that sender" for point-to-point messages: if P sends one message to R and then one to Q, Q
/// would wait forever for P's first message, which was never meant for it. So the stamp carries a row for
/// every destination in the sender's causal past: a label used among a few nodes costs a few counts per
/// message; a label used all-to-all among n nodes costs up to n² counts. Partisan sends one clock plus
/// the order buffer's entry for the destination only and drops what it merges, which loses transitive
/// dependencies; this keeps them.
/// </para>
/// <para>
/// <b>Bound.</b> At most <see cref="MaxBufferedPerLabel"/> messages wait per label. A message that would
/// have to wait when the buffer is full is refused (<see cref="CausalOutcome.Overflow"/>) rather than an
/// older one dropped: the waiting messages are older and are released as soon as their predecessors come,
/// while the refused one is retransmitted by its sender (causal messages are always carried reliably, and
/// a message is acknowledged only when it is delivered). The message that unblocks the others is never
/// refused: a message whose predecessors are all delivered is delivered at once, buffer full or not.
/// </para>
/// <para>
/// <b>Nodes that leave</b> (<see cref="NodeLeft"/>): their entries are dropped from every clock, and
/// their messages are discarded, those waiting and those that arrive later: delivering one after its
/// sender's state is gone could break the order it waited for, and its sender is gone. Messages of others
/// that waited only for the departed node's messages are released. Departed names are remembered (the
/// last <see cref="RememberedDepartures"/>), so stale entries of them in later stamps are ignored; names
/// are unique per process incarnation, so a restarted node is a new node.
/// </para>
/// <para>Not thread-safe; the caller serializes calls.</para>
/// </remarks>
/// <typeparam name="T">What the caller keeps with a message until it is delivered.</typeparam>
internal sealed class CausalBuffer<T>
{
    /// <summary>How many departed nodes are remembered.</summary>
    public const int RememberedDepartures = 4096;

    private readonly Dictionary<string, CausalLabelState<T>> _labels = new(StringComparer.Ordinal);
    private readonly HashSet<NodeName> _departed = [];
    private readonly Queue<NodeName> _departedOrder = new();
    private readonly Func<NodeName, bool> _isDeparted;

    /// <summary>Creates the buffer of node <paramref name="self"/>.</summary>
    /// <param name="self">This node.</param>
    /// <param name="maxBufferedPerLabel">How many messages may wait per label; at least 1.</param>
    public CausalBuffer(NodeName self, int maxBufferedPerLabel)
    {
        if (self.IsEmpty)
        {
            throw new ArgumentException("The node needs a name.", nameof(self));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxBufferedPerLabel, 1);
        Self = self;
        MaxBufferedPerLabel = maxBufferedPerLabel;
        _isDeparted = _departed.Contains;
    }

    /// <summary>This node.</summary>
    public NodeName Self { get; }

    /// <summary>How many messages may wait per label.</summary>
    public int MaxBufferedPerLabel { get; }

    /// <summary>The labels this node has stamped or received messages of.</summary>
    public IReadOnlyCollection<string> Labels => _labels.Keys;

    /// <summary>How many messages of <paramref name="label"/> wait.</summary>
    public int BufferedCount(string label) => _labels.TryGetValue(label, out var state) ? state.WaitingCount : 0;

    /// <summary>How many messages of <paramref name="label"/> this node has delivered, by sender.</summary>
    public VectorClock DeliveredClock(string label) => _labels.TryGetValue(label, out var state) ? state.Delivered : VectorClock.Empty;

    /// <summary>Whether <paramref name="node"/> is remembered as departed.</summary>
    public bool HasDeparted(NodeName node) => _departed.Contains(node);

    /// <summary>
    /// Stamps a message of <paramref name="label"/> that this node sends to <paramref name="destination"/>
    /// (this node included): counts it in the destination's row and returns this node's whole knowledge.
    /// Every stamp must be sent (a stamped message that is never delivered holds up the destination's later
    /// messages from this node).
    /// </summary>
    public CausalStamp Stamp(string label, NodeName destination)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (destination.IsEmpty)
        {
            throw new ArgumentException("The destination needs a name.", nameof(destination));
        }

        var state = State(label);
        state.Known = state.Known.Increment(destination, Self);
        return state.Known;
    }

    /// <summary>A message of <paramref name="label"/> from <paramref name="from"/> arrived with <paramref name="stamp"/>.</summary>
    public CausalArrival<T> Receive(string label, NodeName from, CausalStamp stamp, T item)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(stamp);
        if (_departed.Contains(from))
        {
            return new(CausalOutcome.Departed, []);
        }

        if (!stamp.TryValidate(out var problem))
        {
            return new(CausalOutcome.Invalid, [], $"the stamp is malformed: {problem}");
        }

        var row = stamp.RowFor(Self);
        var index = row[from];
        if (index == 0)
        {
            return new(CausalOutcome.Invalid, [], $"the stamp does not count the message in {from}'s entry of {Self}'s row");
        }

        var state = State(label);
        if (index <= state.Delivered[from])
        {
            return new(CausalOutcome.Duplicate, []);
        }

        if (state.Waiting.TryGetValue(from, out var queue) && queue.ContainsKey(index))
        {
            return new(CausalOutcome.AlreadyBuffered, []);
        }

        if (!IsDeliverable(state, from, row))
        {
            if (state.WaitingCount >= MaxBufferedPerLabel)
            {
                return new(CausalOutcome.Overflow, []);
            }

            if (queue is null)
            {
                state.Waiting[from] = queue = [];
            }

            queue.Add(index, new CausalWaiting<T>(row, stamp, item));
            state.WaitingCount++;
            return new(CausalOutcome.Buffered, []);
        }

        var deliver = new List<T> { item };
        Apply(state, from, index, stamp);
        Release(state, deliver);
        return new(CausalOutcome.Delivered, deliver);
    }

    /// <summary>
    /// <paramref name="node"/> left for good: its entries are dropped from every label's clocks, its buffered
    /// messages are discarded (and so is anything from it that arrives later), and messages of others that
    /// waited only for its messages are released.
    /// </summary>
    public CausalDeparture<T> NodeLeft(NodeName node)
    {
        if (node == Self || !_departed.Add(node))
        {
            return new([], []);
        }

        _departedOrder.Enqueue(node);
        if (_departedOrder.Count > RememberedDepartures)
        {
            _departed.Remove(_departedOrder.Dequeue());
        }

        var released = new List<T>();
        var discarded = new List<T>();
        foreach (var state in _labels.Values)
        {
            state.Known = state.Known.Without(n => n == node);
            state.Delivered = state.Delivered.Without(node);
            if (state.Waiting.Remove(node, out var queue))
            {
                discarded.AddRange(queue.Values.Select(w => w.Item));
                state.WaitingCount -= queue.Count;
            }

            Release(state, released);
        }

        return new(released, discarded);
    }

    private CausalLabelState<T> State(string label)
    {
        if (!_labels.TryGetValue(label, out var state))
        {
            _labels[label] = state = new CausalLabelState<T>();
        }

        return state;
    }

    /// <summary>
    /// Whether a message from <paramref name="from"/> whose row for this node is <paramref name="row"/> can be
    /// delivered: it is the next from its sender, and every other entry (of nodes that have not left) is at
    /// most what this node delivered from that node. One walk over both sorted clocks.
    /// </summary>
    private bool IsDeliverable(CausalLabelState<T> state, NodeName from, VectorClock row)
    {
        var delivered = state.Delivered;
        var j = 0;
        for (var i = 0; i < row.Count; i++)
        {
            var node = row.Nodes[i];
            while (j < delivered.Count && delivered.Nodes[j].CompareTo(node) < 0)
            {
                j++;
            }

            var have = j < delivered.Count && delivered.Nodes[j] == node ? delivered.Counts[j] : 0;
            if (node == from)
            {
                if (row.Counts[i] != have + 1)
                {
                    return false;
                }
            }
            else if (row.Counts[i] > have && !_departed.Contains(node))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Records the delivery of message <paramref name="index"/> from <paramref name="from"/> and merges its stamp into this node's knowledge.</summary>
    private void Apply(CausalLabelState<T> state, NodeName from, long index, CausalStamp stamp)
    {
        state.Delivered = state.Delivered.With(from, index);
        state.Known = state.Known.Merge(_departed.Count > 0 ? stamp.Without(_isDeparted) : stamp);
    }

    /// <summary>Delivers waiting messages whose predecessors are all delivered, until none is left to release.</summary>
    private void Release(CausalLabelState<T> state, List<T> deliver)
    {
        var progress = state.WaitingCount > 0;
        while (progress)
        {
            progress = false;
            foreach (var sender in state.Waiting.Keys.ToList())
            {
                var queue = state.Waiting[sender];
                while (queue.Count > 0)
                {
                    var (index, head) = queue.First();
                    if (!IsDeliverable(state, sender, head.Row))
                    {
                        break;
                    }

                    queue.Remove(index);
                    state.WaitingCount--;
                    Apply(state, sender, index, head.Stamp);
                    deliver.Add(head.Item);
                    progress = true;
                }

                if (queue.Count == 0)
                {
                    state.Waiting.Remove(sender);
                }
            }
        }
    }
}

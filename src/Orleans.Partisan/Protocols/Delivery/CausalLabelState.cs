namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>One label's state in a <see cref="CausalBuffer{T}"/>.</summary>
internal sealed class CausalLabelState<T>
{
    /// <summary>
    /// This node's knowledge, by destination: how many messages of the label each node had sent to that
    /// destination in this node's causal past (what it sent, and what the messages it delivered knew).
    /// </summary>
    public CausalStamp Known { get; set; } = CausalStamp.Empty;

    /// <summary>How many messages of the label this node has delivered from each sender.</summary>
    public VectorClock Delivered { get; set; } = VectorClock.Empty;

    /// <summary>The buffered messages, by sender, by their number in the sender's stream to this node.</summary>
    public Dictionary<NodeName, SortedDictionary<long, CausalWaiting<T>>> Waiting { get; } = [];

    /// <summary>How many messages are buffered.</summary>
    public int WaitingCount { get; set; }
}

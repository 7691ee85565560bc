namespace Orleans.Partisan.Simulation;

/// <summary>What a <see cref="DeliverySimulator"/> run did.</summary>
internal sealed class DeliverySimulationResult
{
    /// <summary>Messages the application sent.</summary>
    public long Sent { get; set; }

    /// <summary>Messages delivered to the application (each once).</summary>
    public long Delivered { get; set; }

    /// <summary>Messages whose delivery the sender learned of.</summary>
    public long Acked { get; set; }

    /// <summary>Copies of messages put on the network, first sends and retransmissions.</summary>
    public long Transmissions { get; set; }

    /// <summary>Copies sent again (after an interval without acknowledgement, or after a reconnect).</summary>
    public long Retransmissions { get; set; }

    /// <summary>Acknowledgements put on the network.</summary>
    public long AckTransmissions { get; set; }

    /// <summary>Packets lost at random.</summary>
    public long Lost { get; set; }

    /// <summary>Packets lost to a connection reset (in flight, or written while it was down).</summary>
    public long LostToResets { get; set; }

    /// <summary>Connection resets.</summary>
    public long Resets { get; set; }

    /// <summary>Copies a receiver dropped as already delivered.</summary>
    public long DuplicatesDropped { get; set; }

    /// <summary>Copies a receiver dropped as being delivered or held already.</summary>
    public long InProgressDropped { get; set; }

    /// <summary>Copies a receiver dropped as of an older session of their sender.</summary>
    public long StaleDropped { get; set; }

    /// <summary>Messages a receiver held for their key's predecessor.</summary>
    public long HeldForPredecessor { get; set; }

    /// <summary>Messages refused for being beyond the receiver's window.</summary>
    public long Refused { get; set; }

    /// <summary>Messages a sender queued because its window to the destination was full.</summary>
    public long WaitedForRoom { get; set; }

    /// <summary>Causal messages that waited in the causal buffer.</summary>
    public long CausalBuffered { get; set; }

    /// <summary>Causal messages refused by a full causal buffer.</summary>
    public long CausalOverflows { get; set; }

    /// <summary>The most causal messages waiting at one node at once.</summary>
    public int MaxCausalWaiting { get; set; }

    /// <summary>The most (destination, sender) counts one causal stamp carried.</summary>
    public int MaxStampCells { get; set; }

    /// <summary>Events processed.</summary>
    public long Events { get; set; }

    /// <summary>When the last acknowledgement reached its sender (virtual time): the run was done.</summary>
    public TimeSpan Duration { get; set; }

    /// <inheritdoc />
    public override string ToString()
        => $"sent {Sent}, delivered {Delivered}, acked {Acked}; transmissions {Transmissions} ({Retransmissions} retransmissions), acks {AckTransmissions}; "
            + $"lost {Lost} at random and {LostToResets} to {Resets} resets; receivers dropped {DuplicatesDropped} duplicates, {InProgressDropped} copies in progress and {StaleDropped} of old sessions, "
            + $"held {HeldForPredecessor} for their key's predecessor, refused {Refused}; senders queued {WaitedForRoom} for room; "
            + $"causal: buffered {CausalBuffered}, overflows {CausalOverflows}, at most {MaxCausalWaiting} waiting at a node, stamps of up to {MaxStampCells} counts; "
            + $"{Events} events, all acknowledged at {Duration.TotalSeconds:0.###} s virtual";
}

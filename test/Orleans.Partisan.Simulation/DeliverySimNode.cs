using Orleans.Partisan.Protocols.Delivery;

namespace Orleans.Partisan.Simulation;

/// <summary>A node of a <see cref="DeliverySimulator"/>: the delivery cores a <c>PartisanNode</c> drives, and the sends waiting for room.</summary>
internal sealed class DeliverySimNode(int index, NodeName name, DeliverySimulationOptions options)
{
    public int Index { get; } = index;

    public NodeName Name { get; } = name;

    public AckTracker<DeliverySimMessage> Tracker { get; } = new(options.MaxUnacked, options.RetransmitInterval);

    public AckReceiver<DeliveryItem> Receiver { get; } = new(options.MaxUnacked);

    public CausalBuffer<DeliveryItem> Causal { get; } = new(name, options.MaxCausalBuffered);

    /// <summary>Sends waiting for room in a destination's window, in the order they were made.</summary>
    public Dictionary<int, Queue<DeliverySimMessage>> Waiting { get; } = [];

    /// <summary>When the next tick is scheduled (ticks), or <see cref="long.MaxValue"/>.</summary>
    public long NextTick { get; set; } = long.MaxValue;

    public override string ToString() => Name.ToString();
}

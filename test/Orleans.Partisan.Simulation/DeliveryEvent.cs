namespace Orleans.Partisan.Simulation;

/// <summary>The kinds of event of a <see cref="DeliverySimulator"/>.</summary>
internal enum DeliveryEventKind : byte
{
    /// <summary>The next message of the workload is sent.</summary>
    Send,

    /// <summary>A packet arrives at <see cref="DeliveryEvent.Node"/> from <see cref="DeliveryEvent.Peer"/> on the link's epoch <see cref="DeliveryEvent.Epoch"/>.</summary>
    Arrive,

    /// <summary><see cref="DeliveryEvent.Node"/>'s ack tracker is due.</summary>
    Tick,

    /// <summary>A random recently used connection resets.</summary>
    Reset,

    /// <summary><see cref="DeliveryEvent.Node"/> and <see cref="DeliveryEvent.Peer"/> reconnect after the reset of epoch <see cref="DeliveryEvent.Epoch"/>.</summary>
    Reconnect,
}

/// <summary>An event of a <see cref="DeliverySimulator"/>.</summary>
internal readonly record struct DeliveryEvent(DeliveryEventKind Kind, int Node, int Peer, int Epoch, DeliveryPacket? Packet);

using Orleans.Partisan.Protocols.Delivery;

namespace Orleans.Partisan.Simulation;

/// <summary>A message of a <see cref="DeliverySimulator"/> run.</summary>
/// <param name="Id">Its number in the run, from 0.</param>
/// <param name="From">The sender's node number.</param>
/// <param name="To">The destination's node number.</param>
/// <param name="Key">Its partition key, if any.</param>
/// <param name="Label">Its causal label, if any.</param>
internal sealed record DeliverySimMessage(int Id, int From, int To, int? Key, string? Label)
{
    /// <summary>Its causal stamp, taken when the sender's ack tracker took it.</summary>
    public CausalStamp? Stamp { get; set; }
}

namespace Orleans.Partisan.Testing;

/// <summary>
/// Fault rules for the overlay's messages: drop, delay and partition. Each call adds a rule and
/// returns a handle whose <see cref="IDisposable.Dispose"/> removes it; <see cref="Heal"/> removes them all.
/// </summary>
/// <remarks>
/// <para>
/// A rule matches a message by sender, receiver and channel; a <see langword="null"/> criterion
/// matches any. Channels are matched by name: on send, the channel asked for; on receive, the one the
/// message arrived on. Rules see every message of the overlay, the peer service's own (gossip, joins,
/// on the default channel) as well as forwarded ones, on every peer service.
/// </para>
/// <para>
/// When several rules match a message, a partition or a drop that fires wins; otherwise the delays of
/// the matching delay rules add up. Connections stay up under every rule: a partition loses messages,
/// as Partisan's injected partitions do, and node monitors see no <c>nodedown</c>.
/// </para>
/// </remarks>
public interface IPartisanFaults
{
    /// <summary>Drops the matching messages, each with <paramref name="probability"/>.</summary>
    /// <param name="from">The sender, or <see langword="null"/> for any.</param>
    /// <param name="to">The receiver, or <see langword="null"/> for any.</param>
    /// <param name="channel">The channel, or <see langword="null"/> for any.</param>
    /// <param name="probability">The chance that a matching message is dropped, from 0 to 1.</param>
    /// <param name="seed">
    /// Seeds the rule's own random source (one per node the rule is on), so the same sequence of
    /// matching messages loses the same subset. Every matching message draws from it: scope the rule
    /// (channel, nodes) to the traffic of the test to keep a run reproducible.
    /// </param>
    /// <param name="at">Where the rule acts.</param>
    /// <returns>A handle that removes the rule.</returns>
    IDisposable Drop(NodeName? from = null, NodeName? to = null, string? channel = null, double probability = 1.0, int seed = 0, FaultPoint at = FaultPoint.Send);

    /// <summary>
    /// Holds the matching messages back for <paramref name="delay"/>. Delayed messages keep their order
    /// per link (sender, receiver, channel): a message never overtakes an earlier delayed one, even
    /// one delayed for longer. Messages that are not delayed are not held back by delayed ones.
    /// </summary>
    /// <param name="delay">How long; more than zero.</param>
    /// <param name="from">The sender, or <see langword="null"/> for any.</param>
    /// <param name="to">The receiver, or <see langword="null"/> for any.</param>
    /// <param name="channel">The channel, or <see langword="null"/> for any.</param>
    /// <param name="at">Where the rule acts.</param>
    /// <returns>A handle that removes the rule; messages already held are still delivered.</returns>
    IDisposable Delay(TimeSpan delay, NodeName? from = null, NodeName? to = null, string? channel = null, FaultPoint at = FaultPoint.Send);

    /// <summary>
    /// Drops every message between a node of <paramref name="a"/> and a node of <paramref name="b"/>,
    /// both ways, on <paramref name="channel"/> or on every channel. The rule acts at both ends, so on
    /// a single silo it also cuts what that silo receives. Connections stay up.
    /// </summary>
    /// <param name="a">One side; not empty.</param>
    /// <param name="b">The other side; not empty, disjoint from <paramref name="a"/>.</param>
    /// <param name="channel">The channel, or <see langword="null"/> for every channel.</param>
    /// <returns>A handle that removes the partition (heals it).</returns>
    IDisposable Partition(IEnumerable<NodeName> a, IEnumerable<NodeName> b, string? channel = null);

    /// <summary>Removes every rule: drops and partitions stop at once; messages already held by a delay are still delivered.</summary>
    void Heal();
}

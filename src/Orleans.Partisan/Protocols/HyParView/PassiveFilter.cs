namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>
/// Passive entries no request is waiting on (such an entry is never evicted nor asked twice), optionally
/// only those among <see cref="Within"/> and not among <see cref="Except"/>.
/// </summary>
/// <param name="Pending">The requests under way, by the node asked.</param>
/// <param name="Within">When set, only these names qualify (the nodes sent in a shuffle are evicted first, §4.4).</param>
/// <param name="Except">When set, these names do not qualify (candidates already asked in a promotion round).</param>
internal readonly record struct PassiveFilter(
    Dictionary<NodeName, PendingRequest> Pending,
    IReadOnlyCollection<NodeName>? Within,
    HashSet<NodeName>? Except) : IPassiveFilter
{
    /// <inheritdoc />
    public bool Accepts(NodeName name)
        => (Pending.Count == 0 || !Pending.ContainsKey(name))
            && (Within is null || Within.Contains(name))
            && (Except is null || !Except.Contains(name));
}

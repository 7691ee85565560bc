namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>
/// Passive entries no request is waiting on (such an entry is never evicted nor asked twice), optionally
/// not among <see cref="Except"/>.
/// </summary>
/// <param name="Pending">The requests under way, by the node asked.</param>
/// <param name="Except">When set, these names do not qualify (candidates already asked in a promotion round).</param>
internal readonly record struct PassiveFilter(
    Dictionary<NodeName, PendingRequest> Pending,
    HashSet<NodeName>? Except) : IPassiveFilter
{
    /// <inheritdoc />
    public bool Accepts(NodeName name)
        => (Pending.Count == 0 || !Pending.ContainsKey(name))
            && (Except is null || !Except.Contains(name));
}

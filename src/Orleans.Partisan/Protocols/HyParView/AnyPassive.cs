namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>Every passive entry qualifies.</summary>
internal readonly struct AnyPassive : IPassiveFilter
{
    /// <inheritdoc />
    public bool Accepts(NodeName name) => true;
}

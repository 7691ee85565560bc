namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>
/// Which passive entries a random pick may choose; a struct implements it so that the pick, which runs
/// on every insert into a full passive view, allocates neither a delegate nor a filtered copy.
/// </summary>
internal interface IPassiveFilter
{
    /// <summary>Whether the passive entry named <paramref name="name"/> may be picked.</summary>
    bool Accepts(NodeName name);
}

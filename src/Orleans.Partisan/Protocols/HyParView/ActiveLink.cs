namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>A member of the active view: the neighbour and the state of the link to it.</summary>
internal sealed class ActiveLink(NodeSpec spec, long epoch)
{
    /// <summary>The neighbour.</summary>
    public NodeSpec Spec { get; set; } = spec;

    /// <summary>The neighbour's name.</summary>
    public NodeName Name => Spec.Name;

    /// <summary>The largest epoch seen for this link (see <see cref="IHyParViewMessage"/>).</summary>
    public long Epoch { get; set; } = epoch;

    /// <summary>Whether a message went over the link since the last shuffle tick (else a keep-alive goes).</summary>
    public bool Used { get; set; }
}

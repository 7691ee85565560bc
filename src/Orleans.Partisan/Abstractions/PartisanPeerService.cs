namespace Orleans.Partisan;

/// <summary>The overlay's peer service: which nodes connect to which.</summary>
public enum PartisanPeerService
{
    /// <summary>
    /// Every node connects to every other; membership is an OR-set gossiped on change and
    /// periodically (Partisan's default, documented for up to about 200 nodes).
    /// </summary>
    FullMesh,

    /// <summary>
    /// HyParView (Leitão, Pereira, Rodrigues, DSN 2007): each node keeps a small active view of
    /// connected neighbours and a larger passive view of known nodes, so its cost grows with the log of
    /// the cluster size. Configured by <c>PartisanOptions.HyParView</c>. Send to a non-neighbour with
    /// <see cref="ForwardOptions.Transitive"/>.
    /// </summary>
    HyParView,
}

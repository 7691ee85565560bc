namespace Orleans.Partisan;

/// <summary>The overlay's peer service: which nodes connect to which.</summary>
public enum PartisanPeerService
{
    /// <summary>
    /// Every node connects to every other; membership is an OR-set gossiped on change and
    /// periodically (Partisan's default, documented for up to about 200 nodes).
    /// </summary>
    FullMesh,
}

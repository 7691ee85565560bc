namespace Orleans.Partisan.Protocols.FullMesh;

/// <summary>The timers of <see cref="FullMeshCore"/>.</summary>
internal abstract record FullMeshTimer : CoreTimer
{
    /// <summary>The periodic gossip of the whole state, which also re-dials members that are not connected.</summary>
    public sealed record Gossip : FullMeshTimer
    {
        /// <summary>The one key of this timer.</summary>
        public static readonly Gossip Instance = new();
    }
}

namespace Orleans.Partisan.Protocols.ClientServer;

/// <summary>The timers of <see cref="ClientServerCore"/>.</summary>
internal abstract record ClientServerTimer : CoreTimer
{
    /// <summary>The periodic gossip of the whole state to every neighbour, which also re-dials neighbours that are not connected.</summary>
    public sealed record Gossip : ClientServerTimer
    {
        /// <summary>The one key of this timer.</summary>
        public static readonly Gossip Instance = new();
    }
}

namespace Orleans.Partisan.Protocols.Static;

/// <summary>The timers of <see cref="StaticCore"/>.</summary>
internal abstract record StaticTimer : CoreTimer
{
    /// <summary>Probe the listed <paramref name="Endpoint"/> again, unless its node is connected by then.</summary>
    public sealed record Retry(string Endpoint) : StaticTimer;
}

namespace Orleans.Partisan.Protocols.Gateway;

/// <summary>The timers of <see cref="GatewayClientCore"/>.</summary>
internal abstract record GatewayTimer : CoreTimer
{
    /// <summary>The periodic renewal: the attachment is sent again to every gateway, and missing gateways are dialled.</summary>
    public sealed record Renew : GatewayTimer
    {
        /// <summary>The one key of this timer.</summary>
        public static readonly Renew Instance = new();
    }
}

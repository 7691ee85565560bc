namespace Orleans.Partisan;

/// <summary>
/// Options of an Orleans client's overlay node (<c>clientBuilder.AddPartisan(o => ...)</c>, <see cref="PartisanOptions.Client"/>);
/// a silo ignores them. Validated when the client starts.
/// </summary>
/// <remarks>
/// A client node attaches to <see cref="Gateways"/> silos, which dial it back; it reaches every other node through them,
/// and they relay to it what other nodes send it. See <c>docs/clients.md</c>.
/// </remarks>
public sealed class PartisanClientOptions
{
    /// <summary>The default of <see cref="RenewInterval"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultRenewInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many silos the client's node attaches to. Default 1; between 1 and 16. With more than one, a silo that
    /// stops leaves the client attached to the others while a replacement is dialled.
    /// </summary>
    public int Gateways { get; set; } = 1;

    /// <summary>
    /// How often the client renews its attachment to each gateway, learns the silos from it, and dials the gateways it
    /// lacks. Default 5 s (<see cref="DefaultRenewInterval"/>); more than zero.
    /// </summary>
    public TimeSpan RenewInterval { get; set; } = DefaultRenewInterval;

    /// <summary>
    /// How long the client waits at start for its first gateway before it gives up and the client fails to start.
    /// Default 30 s; more than zero.
    /// </summary>
    public TimeSpan AttachTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every problem with these options, one sentence each, without the prefix <c>Client.</c>.</summary>
    internal IEnumerable<string> Validate()
    {
        if (Gateways is < 1 or > 16)
        {
            yield return $"Gateways must be between 1 and 16; it is {Gateways}.";
        }

        if (RenewInterval <= TimeSpan.Zero)
        {
            yield return $"RenewInterval must be more than zero; it is {RenewInterval}.";
        }

        if (AttachTimeout <= TimeSpan.Zero)
        {
            yield return $"AttachTimeout must be more than zero; it is {AttachTimeout}.";
        }
    }
}

namespace Orleans.Partisan;

/// <summary>A channel name that is not configured on this node was used.</summary>
[GenerateSerializer, Alias("partisan.UnknownChannelException")]
public sealed class UnknownChannelException : PartisanException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="channel">The unknown channel.</param>
    /// <param name="known">The channels that are configured.</param>
    public UnknownChannelException(string channel, IEnumerable<string> known)
        : base($"Unknown channel '{channel}'. Configured channels: {string.Join(", ", known)}.")
    {
        Channel = channel;
    }

    /// <summary>The unknown channel.</summary>
    [Id(0)]
    public string Channel { get; }
}

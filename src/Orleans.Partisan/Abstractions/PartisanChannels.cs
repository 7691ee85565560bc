namespace Orleans.Partisan;

/// <summary>Well-known channel names.</summary>
public static class PartisanChannels
{
    /// <summary>
    /// The default channel. It always exists, carries the peer service's own traffic and is the
    /// first channel opened to a new peer.
    /// </summary>
    public const string Default = "default";
}

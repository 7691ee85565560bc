namespace Orleans.Partisan;

/// <summary>How a broadcast handler is registered (<c>AddPartisanBroadcastHandler&lt;THandler&gt;(o => ...)</c>).</summary>
public sealed class BroadcastHandlerOptions
{
    /// <summary>
    /// The name the handler's messages carry; the same on every silo. Default <see langword="null"/>:
    /// the grain interface's full name.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// The channel the handler's messages travel on (Partisan's handler <c>channel/0</c>), so a chatty
    /// handler does not hold up others. Default <see langword="null"/>: the default channel. Must be one of
    /// <see cref="PartisanOptions.Channels"/>; checked when the silo starts.
    /// </summary>
    public string? Channel { get; set; }

    /// <summary>The default name of a handler: its grain interface's full name.</summary>
    internal static string DefaultName(Type handler) => handler.FullName ?? handler.Name;
}

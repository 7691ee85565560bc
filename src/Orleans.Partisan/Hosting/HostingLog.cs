using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Hosting;

/// <summary>The silo integration's log messages, with stable event ids (4000-4099).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(4000, LogLevel.Information, "Silo {Silo} joined the cluster; adding node {Node} to the overlay")]
    public static partial void FollowJoin(ILogger logger, SiloAddress silo, NodeSpec node);

    [LoggerMessage(4001, LogLevel.Information, "Silo {Silo} is dead; removing it from the overlay")]
    public static partial void FollowDead(ILogger logger, SiloAddress silo);

    [LoggerMessage(4002, LogLevel.Warning, "Could not learn the overlay node spec of silo {Silo} (attempt {Attempt}); retrying")]
    public static partial void SpecLookupFailed(ILogger logger, Exception exception, SiloAddress silo, int attempt);

    [LoggerMessage(4003, LogLevel.Warning, "Following cluster membership failed; retrying")]
    public static partial void FollowFailed(ILogger logger, Exception exception);

    [LoggerMessage(4004, LogLevel.Information, "Overlay node {Node} leaving the overlay as the silo stops")]
    public static partial void Leaving(ILogger logger, NodeName node);
}

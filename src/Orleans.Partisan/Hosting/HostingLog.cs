using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Hosting;

/// <summary>The silo lifecycle's log messages, with stable event ids (4000-4099, shared with <c>MembershipLog</c>).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(4004, LogLevel.Information, "Overlay node {Node} leaving the overlay as the silo stops")]
    public static partial void Leaving(ILogger logger, NodeName node);
}

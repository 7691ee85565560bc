using Microsoft.Extensions.Logging;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Membership;

/// <summary>
/// The log messages of the services that tie the overlay to Orleans' membership, with stable event ids
/// (4000-4099, shared with <c>HostingLog</c>).
/// </summary>
internal static partial class MembershipLog
{
    [LoggerMessage(4000, LogLevel.Information, "Silo {Silo} joined the cluster; adding node {Node} to the overlay")]
    public static partial void FollowJoin(ILogger logger, SiloAddress silo, NodeSpec node);

    [LoggerMessage(4001, LogLevel.Information, "Silo {Silo} is dead; removing it from the overlay")]
    public static partial void FollowDead(ILogger logger, SiloAddress silo);

    [LoggerMessage(4002, LogLevel.Warning, "Could not learn the overlay node spec of silo {Silo} (attempt {Attempt}); retrying")]
    public static partial void SpecLookupFailed(ILogger logger, Exception exception, SiloAddress silo, int attempt);

    [LoggerMessage(4003, LogLevel.Warning, "Following cluster membership failed; retrying")]
    public static partial void FollowFailed(ILogger logger, Exception exception);

    [LoggerMessage(4005, LogLevel.Information, "Suspected node {Node}: unreachable from {Unreachable} silos (this one included: {Outcome}), reachable from {Reachable}, {NoAnswer} witnesses did not answer")]
    public static partial void SuspectChecked(ILogger logger, NodeName node, int unreachable, ProbeOutcome outcome, int reachable, int noAnswer);

    [LoggerMessage(4006, LogLevel.Debug, "Witness {Witness} could not say whether it reaches {Node}")]
    public static partial void WitnessFailed(ILogger logger, Exception exception, SiloAddress witness, NodeName node);

    [LoggerMessage(4007, LogLevel.Warning, "Silo {Silo} is unreachable on the overlay from enough silos; declared dead in the cluster membership (this silo's write took effect: {Killed})")]
    public static partial void Evicted(ILogger logger, SiloAddress silo, bool killed);

    [LoggerMessage(4008, LogLevel.Warning, "The failure detector failed while checking {Node}")]
    public static partial void DetectorFailed(ILogger logger, Exception exception, NodeName node);

    [LoggerMessage(4009, LogLevel.Warning, "The overlay fell apart: {Node} and {Count} silos with it are cut off from {Contact}; asking it to join through {Contact}")]
    public static partial void RepairJoin(ILogger logger, NodeName node, int count, NodeName contact);

    [LoggerMessage(4010, LogLevel.Warning, "Checking that the overlay is in one piece failed; retrying at the next interval")]
    public static partial void RepairFailed(ILogger logger, Exception exception);

    [LoggerMessage(4011, LogLevel.Information, "Suspected node {Node} did not answer in time, but this silo's own process ran {LagMilliseconds:0} ms or more late meanwhile (the machine's cores are overbooked): it may be starved, not frozen, so it is not declared dead for this")]
    public static partial void SuspectWhileStarved(ILogger logger, NodeName node, double lagMilliseconds);

    [LoggerMessage(4012, LogLevel.Information, "Suspected node {Node} answered no silo's dial, refusing none: frozen, or stalled for a moment; checking it once more before declaring it dead")]
    public static partial void SuspectSilent(ILogger logger, NodeName node);

    [LoggerMessage(4013, LogLevel.Warning, "This silo's process stood still for {Seconds:0.0} s (stopped, paused or starved): reading the cluster membership table again, in case the other silos declared it dead meanwhile")]
    public static partial void Stalled(ILogger logger, double seconds);

    [LoggerMessage(4014, LogLevel.Warning, "Reading the cluster membership table after this silo's process stood still failed; Orleans reads it again at its next periodic refresh")]
    public static partial void StallRefreshFailed(ILogger logger, Exception exception);
}

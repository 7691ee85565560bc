using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Hosting;

/// <summary>
/// The overlay's health check: Unhealthy when the node is not running (not started, stopped, or left the overlay) or
/// has an outbound connection to none of its members; Degraded, with the reason, when some member is not connected
/// (full mesh), HyParView's active view is below its threshold, or a send queue is nearly full; Healthy otherwise.
/// </summary>
internal sealed class OverlayHealthCheck(PartisanNode node, PartisanHealthCheckOptions options) : IHealthCheck
{
    /// <summary>How many unconnected members a reason names before it only counts them.</summary>
    private const int NamedMembers = 3;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(Judge(node.ReadHealth(), options));

    /// <summary>The verdict on <paramref name="health"/>.</summary>
    internal static HealthCheckResult Judge(OverlayHealthSnapshot health, PartisanHealthCheckOptions options)
    {
        var data = new Dictionary<string, object>
        {
            ["members"] = health.Members.Count,
            ["connected"] = health.Connected.Count,
            ["fullest_queue"] = health.FullestQueue,
        };
        if (health.ActiveView >= 0)
        {
            data["active_view"] = health.ActiveView;
        }

        if (!health.Started)
        {
            return HealthCheckResult.Unhealthy("The overlay node is not running (not started yet, or stopped).", data: data);
        }

        if (health.HasLeft)
        {
            return HealthCheckResult.Unhealthy("The overlay node left the overlay, or was removed from it.", data: data);
        }

        if (health.Neighbors.Count > 0 && health.Connected.Count == 0)
        {
            return HealthCheckResult.Unhealthy($"The overlay node should connect to {health.Neighbors.Count} of its {health.Members.Count} member(s) and is connected to none.", data: data);
        }

        var reasons = new List<string>();
        if (health.PeerService == PartisanPeerService.HyParView)
        {
            var threshold = Math.Min(options.MinActiveView ?? health.MinActiveView, health.Members.Count);
            if (health.ActiveView < threshold)
            {
                reasons.Add($"HyParView's active view has {health.ActiveView} neighbour(s), below {threshold}");
            }
        }
        else
        {
            var unconnected = health.Members.Where(m => health.Neighbors.Contains(m) && !health.Connected.Contains(m)).ToList();
            if (unconnected.Count > 0)
            {
                var named = string.Join(", ", unconnected.Take(NamedMembers));
                reasons.Add(unconnected.Count > NamedMembers
                    ? $"{unconnected.Count} member(s) are not connected ({named}, ...)"
                    : $"{unconnected.Count} member(s) are not connected ({named})");
            }
        }

        var limit = (int)Math.Ceiling(options.QueueDegradedFraction * health.QueueCapacity);
        if (health.FullestQueue >= limit)
        {
            reasons.Add($"a send queue holds {health.FullestQueue} of {health.QueueCapacity} messages");
        }

        return reasons.Count == 0
            ? HealthCheckResult.Healthy($"Connected to {health.Connected.Count} of {health.Members.Count} member(s).", data)
            : HealthCheckResult.Degraded(string.Join("; ", reasons) + ".", data: data);
    }
}

using Microsoft.Extensions.Options;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Hosting;

/// <summary>Checks <see cref="PartisanOptions"/> when the silo starts, naming the option that is wrong and why.</summary>
internal sealed class PartisanOptionsValidator(IOptions<PartisanOptions> options, IEnumerable<BroadcastHandlerRegistration> handlers) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        var errors = Validate(options.Value);
        errors.AddRange(ValidateHandlers(options.Value, handlers));
        if (errors.Count > 0)
        {
            throw new OrleansConfigurationException("Invalid PartisanOptions: " + string.Join(" ", errors));
        }
    }

    /// <summary>Every problem with <paramref name="o"/>, one sentence each.</summary>
    internal static List<string> Validate(PartisanOptions o)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(o.PeerService))
        {
            errors.Add($"PeerService {o.PeerService} is not a known peer service.");
        }

        if (o.PeerService == PartisanPeerService.HyParView)
        {
            errors.AddRange(o.HyParView.Validate().Select(e => "HyParView." + e));
        }

        if (o.PeerService == PartisanPeerService.ClientServer)
        {
            if (!Enum.IsDefined(o.ClientServer.Role))
            {
                errors.Add($"ClientServer.Role {o.ClientServer.Role} is neither Server nor Client.");
            }
            else if (o.ClientServer.Role == PartisanNodeRole.Client && !o.FollowClusterMembership)
            {
                errors.Add("ClientServer.Role is Client and FollowClusterMembership is false: a client is found by the servers, which follow Orleans' cluster membership, so it would have no server. Follow the cluster membership, or make this node a Server.");
            }
        }

        if (o.PeerService == PartisanPeerService.Static)
        {
            errors.AddRange(o.Static.Validate(o.ListenPort).Select(e => "Static." + e));
        }

        errors.AddRange(o.Plumtree.Validate().Select(e => "Plumtree." + e));
        errors.AddRange(o.FailureDetection.Validate().Select(e => "FailureDetection." + e));
        errors.AddRange(o.Delivery.Validate().Select(e => "Delivery." + e));
        if (o.ListenPort is < 0 or > 65535)
        {
            errors.Add($"ListenPort must be between 0 and 65535 (0 lets the OS choose); it is {o.ListenPort}.");
        }

        if (o.ClusterId is not null && string.IsNullOrWhiteSpace(o.ClusterId))
        {
            errors.Add("ClusterId must not be blank; leave it null to use Orleans' ClusterOptions.ClusterId.");
        }

        foreach (var (name, channel) in o.Channels)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add("Channels must not contain a blank channel name.");
            }

            if (channel is null)
            {
                errors.Add($"Channels['{name}'] must not be null.");
            }
            else if (channel.Parallelism is < 1 or > 64)
            {
                errors.Add($"Channels['{name}'].Parallelism must be between 1 and 64; it is {channel.Parallelism}.");
            }
        }

        Positive(o.GossipInterval, nameof(o.GossipInterval));
        Positive(o.ProcessMonitorCheckInterval, nameof(o.ProcessMonitorCheckInterval));
        Positive(o.ReconnectInterval, nameof(o.ReconnectInterval));
        Positive(o.ConnectTimeout, nameof(o.ConnectTimeout));
        if (o.MaxReconnectInterval < o.ReconnectInterval)
        {
            errors.Add($"MaxReconnectInterval ({o.MaxReconnectInterval}) must be at least ReconnectInterval ({o.ReconnectInterval}), since the wait between dials doubles from one to the other.");
        }

        if (o.HeartbeatInterval < TimeSpan.FromMilliseconds(10) || o.HeartbeatInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"HeartbeatInterval must be between 10 ms and a day; it is {o.HeartbeatInterval}.");
        }

        if (o.HeartbeatTimeout != Timeout.InfiniteTimeSpan && o.HeartbeatTimeout <= o.HeartbeatInterval * 2)
        {
            errors.Add($"HeartbeatTimeout ({o.HeartbeatTimeout}) must be more than twice HeartbeatInterval ({o.HeartbeatInterval}), so that one late heartbeat is no timeout; or Timeout.InfiniteTimeSpan to switch heartbeats off.");
        }

        if (o.MaxFrameSize is < 1024 or > 1024 * 1024 * 1024)
        {
            errors.Add($"MaxFrameSize must be between 1 KiB and 1 GiB; it is {o.MaxFrameSize} bytes.");
        }

        if (o.RelayHopLimit is < 1 or > 32)
        {
            errors.Add($"RelayHopLimit must be between 1 and 32; it is {o.RelayHopLimit}.");
        }

        if (o.CallTimeout <= TimeSpan.Zero && o.CallTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"CallTimeout must be more than zero, or Timeout.InfiniteTimeSpan to wait until the reply or nodedown; it is {o.CallTimeout}.");
        }

        if (o.SendQueueCapacity < 1)
        {
            errors.Add($"SendQueueCapacity must be at least 1; it is {o.SendQueueCapacity}.");
        }

        return errors;

        void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{name} must be more than zero; it is {value}.");
            }
        }
    }

    /// <summary>Every problem with the broadcast handlers registered beside <paramref name="o"/>, one sentence each.</summary>
    internal static IEnumerable<string> ValidateHandlers(PartisanOptions o, IEnumerable<BroadcastHandlerRegistration> handlers)
    {
        foreach (var group in handlers.GroupBy(h => h.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return $"Broadcast handler name '{group.Key}' is registered for more than one grain interface ({string.Join(", ", group.Select(h => h.Interface.FullName))}); give each its own BroadcastHandlerOptions.Name.";
        }

        foreach (var handler in handlers)
        {
            if (handler.Channel != PartisanChannels.Default && !o.Channels.ContainsKey(handler.Channel))
            {
                yield return $"Broadcast handler '{handler.Name}' uses channel '{handler.Channel}', which is not in Channels ({string.Join(", ", o.Channels.Keys.Append(PartisanChannels.Default).Distinct().Order(StringComparer.Ordinal))}).";
            }
        }
    }
}

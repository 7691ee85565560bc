using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Orleans.Partisan.Hosting;

/// <summary>Checks <see cref="PartisanOptions"/> when the silo starts, naming the option that is wrong and why.</summary>
internal sealed class PartisanOptionsValidator(IOptions<PartisanOptions> options) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        var errors = Validate(options.Value);
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
        Positive(o.ReconnectInterval, nameof(o.ReconnectInterval));
        Positive(o.ConnectTimeout, nameof(o.ConnectTimeout));
        if (o.MaxReconnectInterval < o.ReconnectInterval)
        {
            errors.Add($"MaxReconnectInterval ({o.MaxReconnectInterval}) must be at least ReconnectInterval ({o.ReconnectInterval}), since the wait between dials doubles from one to the other.");
        }

        if (o.MaxFrameSize is < 1024 or > 1024 * 1024 * 1024)
        {
            errors.Add($"MaxFrameSize must be between 1 KiB and 1 GiB; it is {o.MaxFrameSize} bytes.");
        }

        if (o.RelayHopLimit is < 1 or > 32)
        {
            errors.Add($"RelayHopLimit must be between 1 and 32; it is {o.RelayHopLimit}.");
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
}

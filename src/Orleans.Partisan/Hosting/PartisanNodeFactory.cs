using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Partisan.Runtime;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Hosting;

/// <summary>Builds the overlay node of a silo or of an Orleans client from <see cref="PartisanOptions"/> and the host's services.</summary>
internal static class PartisanNodeFactory
{
    /// <summary>Creates the node named <paramref name="name"/>, listening on <paramref name="listenAddress"/> and <see cref="PartisanOptions.ListenPort"/>.</summary>
    public static PartisanNode Create(IServiceProvider services, NodeName name, IPAddress listenAddress, bool isClusterClient)
    {
        var options = services.GetRequiredService<IOptions<PartisanOptions>>().Value;
        var clusterId = options.ClusterId ?? services.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId;
        var channels = options.Channels.ToImmutableSortedDictionary(StringComparer.Ordinal);
        if (!channels.ContainsKey(PartisanChannels.Default))
        {
            channels = channels.Add(PartisanChannels.Default, new ChannelOptions());
        }

        var settings = new PartisanNodeSettings
        {
            PeerService = isClusterClient ? PartisanPeerService.FullMesh : options.PeerService,
            IsClusterClient = isClusterClient,
            ClientGateways = options.Client.Gateways,
            ClientRenewInterval = options.Client.RenewInterval,
            GossipInterval = options.GossipInterval,
            RelayHopLimit = options.RelayHopLimit,
            CallTimeout = options.CallTimeout,
            HyParView = options.HyParView,
            ClientServerRole = options.ClientServer.Role,
            StaticMembers = !isClusterClient && options.PeerService == PartisanPeerService.Static ? [.. options.Static.Members.Select(m => IPEndPoint.TryParse(m ?? string.Empty, out var e) ? e : null).OfType<IPEndPoint>()] : [], // a malformed entry is reported by the validator
            Plumtree = options.Plumtree,
            Delivery = options.Delivery,
            BroadcastHandlers = [.. services.GetServices<BroadcastHandlerRegistration>()],
            LeaveTimeout = options.ConnectTimeout,
            ProcessMonitorCheckInterval = options.ProcessMonitorCheckInterval,
            Transport = new TransportSettings
            {
                ClusterId = clusterId,
                LocalName = name,
                ListenEndPoint = new IPEndPoint(listenAddress, options.ListenPort),
                Channels = channels,
                MaxFrameSize = options.MaxFrameSize,
                SendQueueCapacity = options.SendQueueCapacity,
                ConnectTimeout = options.ConnectTimeout,
                ReconnectInterval = options.ReconnectInterval,
                MaxReconnectInterval = options.MaxReconnectInterval,
                Tls = services.GetRequiredService<IOptions<PartisanTlsOptions>>().Value is { Enabled: true } tls ? tls : null,
                HeartbeatInterval = options.HeartbeatInterval,
                HeartbeatTimeout = options.HeartbeatTimeout,
            },
        };
        return new PartisanNode(
            settings,
            new WireCodec(services),
            services.GetRequiredService<ILoggerFactory>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetService<IGrainMessageSink>(),
            services.GetService<IPartisanInterposer>(),
            services.GetRequiredService<IBroadcastHandlerInvoker>());
    }
}

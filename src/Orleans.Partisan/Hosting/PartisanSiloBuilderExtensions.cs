using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Partisan.Grains;
using Orleans.Partisan.Hosting;
using Orleans.Partisan.Runtime;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan;

/// <summary>Adds the Partisan overlay to a silo.</summary>
public static class PartisanSiloBuilderExtensions
{
    /// <summary>
    /// Adds the overlay: the silo gets its own TCP connections to the other silos, organised by the
    /// configured peer service, and <see cref="IPartisan"/> in its services.
    /// </summary>
    /// <remarks>
    /// An <see cref="IPartisanInterposer"/> registered in the silo's services (for fault injection in tests) is consulted on every message.
    /// The connections are plaintext unless <c>UsePartisanTls</c> turns TLS on.
    /// </remarks>
    public static ISiloBuilder AddPartisan(this ISiloBuilder builder, Action<PartisanOptions>? configure = null)
        => builder.AddPartisan(optionsBuilder =>
        {
            if (configure is not null)
            {
                optionsBuilder.Configure(configure);
            }
        });

    /// <summary>As <see cref="AddPartisan(ISiloBuilder, Action{PartisanOptions})"/>, configuring the options through an <see cref="OptionsBuilder{TOptions}"/> (binding, post-configuration).</summary>
    public static ISiloBuilder AddPartisan(this ISiloBuilder builder, Action<OptionsBuilder<PartisanOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        configure(services.AddOptions<PartisanOptions>());
        if (services.Any(s => s.ServiceType == typeof(PartisanNode)))
        {
            return builder;
        }

        services.AddTransient<IConfigurationValidator, PartisanOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IGrainMessageSink, GrainMessageSink>();
        services.AddSingleton<IBroadcastHandlerInvoker, GrainBroadcastHandlerInvoker>();
        services.AddSingleton(CreateNode);
        services.AddSingleton<IPartisan>(sp => sp.GetRequiredService<PartisanNode>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, PartisanSiloLifecycle>();
        services.AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>();
        return builder;
    }

    private static PartisanNode CreateNode(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<PartisanOptions>>().Value;
        var silo = services.GetRequiredService<ILocalSiloDetails>();
        var clusterId = options.ClusterId ?? services.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId;
        var channels = options.Channels.ToImmutableSortedDictionary(StringComparer.Ordinal);
        if (!channels.ContainsKey(PartisanChannels.Default))
        {
            channels = channels.Add(PartisanChannels.Default, new ChannelOptions());
        }

        var settings = new PartisanNodeSettings
        {
            PeerService = options.PeerService,
            GossipInterval = options.GossipInterval,
            RelayHopLimit = options.RelayHopLimit,
            CallTimeout = options.CallTimeout,
            HyParView = options.HyParView,
            ClientServerRole = options.ClientServer.Role,
            StaticMembers = options.PeerService == PartisanPeerService.Static ? [.. options.Static.Members.Select(m => IPEndPoint.TryParse(m ?? string.Empty, out var e) ? e : null).OfType<IPEndPoint>()] : [], // a malformed entry is reported by the validator
            Plumtree = options.Plumtree,
            Delivery = options.Delivery,
            BroadcastHandlers = [.. services.GetServices<BroadcastHandlerRegistration>()],
            LeaveTimeout = options.ConnectTimeout,
            ProcessMonitorCheckInterval = options.ProcessMonitorCheckInterval,
            Transport = new TransportSettings
            {
                ClusterId = clusterId,
                LocalName = silo.SiloAddress.GetNodeName(),
                ListenEndPoint = new IPEndPoint(options.ListenAddress ?? silo.SiloAddress.Endpoint.Address, options.ListenPort),
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
            services.GetRequiredService<IGrainMessageSink>(),
            services.GetService<IPartisanInterposer>(),
            services.GetRequiredService<IBroadcastHandlerInvoker>());
    }
}

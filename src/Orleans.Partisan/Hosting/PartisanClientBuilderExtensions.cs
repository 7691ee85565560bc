using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Partisan.Grains;
using Orleans.Partisan.Hosting;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan;

/// <summary>Makes an Orleans client a node of the Partisan overlay.</summary>
public static class PartisanClientBuilderExtensions
{
    /// <summary>
    /// Makes this client a node of the overlay: once the client is connected it binds its own listener
    /// (<see cref="PartisanOptions.ListenAddress"/>, required, and <see cref="PartisanOptions.ListenPort"/>), learns the
    /// silos' overlay nodes and attaches to <see cref="PartisanClientOptions.Gateways"/> of them, and <see cref="IPartisan"/>
    /// is in its services: it can forward, cast and call, own mailboxes and receivers, monitor nodes and processes, and
    /// receive broadcasts through handlers added with <c>AddPartisanBroadcastHandler</c>.
    /// </summary>
    /// <remarks>
    /// The client never joins the silos' peer service nor Orleans' membership: the silos it attaches to dial it back and
    /// relay what other nodes send it (see <c>docs/clients.md</c>). Of <see cref="PartisanOptions"/>, the peer service and
    /// its options (<see cref="PartisanOptions.PeerService"/>, <see cref="PartisanOptions.HyParView"/>,
    /// <see cref="PartisanOptions.ClientServer"/>, <see cref="PartisanOptions.Static"/>) and <see cref="PartisanOptions.FollowClusterMembership"/>
    /// are silo options that a client ignores; <see cref="PartisanOptions.FailureDetection"/> must stay off. Channels must be the silos' channels.
    /// The silos must run <c>AddPartisan</c> with a peer service other than <see cref="PartisanPeerService.Static"/>, whose
    /// silos admit listed nodes only. Start-up fails if no silo takes the client on within
    /// <see cref="PartisanClientOptions.AttachTimeout"/>.
    /// </remarks>
    public static IClientBuilder AddPartisan(this IClientBuilder builder, Action<PartisanOptions>? configure = null)
        => builder.AddPartisan(optionsBuilder =>
        {
            if (configure is not null)
            {
                optionsBuilder.Configure(configure);
            }
        });

    /// <summary>As <see cref="AddPartisan(IClientBuilder, Action{PartisanOptions})"/>, configuring the options through an <see cref="OptionsBuilder{TOptions}"/> (binding, post-configuration).</summary>
    public static IClientBuilder AddPartisan(this IClientBuilder builder, Action<OptionsBuilder<PartisanOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        configure(services.AddOptions<PartisanOptions>());
        if (services.Any(s => s.ServiceType == typeof(PartisanNode)))
        {
            return builder;
        }

        services.AddTransient<IConfigurationValidator, PartisanClientOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IGrainMessageSink, GrainMessageSink>();
        services.AddSingleton<IBroadcastHandlerInvoker, ClientBroadcastHandlerInvoker>();
        services.AddSingleton(sp => PartisanNodeFactory.Create(
            sp,
            ClusterClientName.Create(),
            sp.GetRequiredService<IOptions<PartisanOptions>>().Value.ListenAddress ?? IPAddress.Loopback, // null is refused by the validator first
            isClusterClient: true));
        services.AddSingleton<IPartisan>(sp => sp.GetRequiredService<PartisanNode>());
        services.AddSingleton<ILifecycleParticipant<IClusterClientLifecycle>, PartisanClientLifecycle>();
        return builder;
    }

    /// <summary>
    /// Registers <typeparamref name="TImplementation"/> as this client's handler of the broadcasts of <typeparamref name="THandler"/>,
    /// the handler grain interface the silos register with <c>AddPartisanBroadcastHandler&lt;THandler&gt;()</c>: a plain object
    /// (a singleton of the client's services, resolvable as <typeparamref name="TImplementation"/>), called as the silos'
    /// handler grains are (<see cref="IPartisanClientBroadcastHandler.Merge"/> for each message, and so on). Give the same
    /// name and channel as the silos; call <c>AddPartisan</c> too.
    /// </summary>
    /// <typeparam name="THandler">The silos' handler grain interface, which names the broadcasts (<see cref="BroadcastHandlerOptions.Name"/> by default its full name).</typeparam>
    /// <typeparam name="TImplementation">The client's handler.</typeparam>
    public static IClientBuilder AddPartisanBroadcastHandler<THandler, TImplementation>(this IClientBuilder builder, Action<BroadcastHandlerOptions>? configure = null)
        where THandler : IPartisanBroadcastHandler
        where TImplementation : class, IPartisanClientBroadcastHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        var registration = PartisanBroadcastSiloBuilderExtensions.Registration<THandler>(configure);
        builder.Services.AddSingleton(registration);
        builder.Services.TryAddSingleton<TImplementation>();
        builder.Services.AddKeyedSingleton<IPartisanClientBroadcastHandler>(registration.Name, (sp, _) => sp.GetRequiredService<TImplementation>());
        return builder;
    }
}

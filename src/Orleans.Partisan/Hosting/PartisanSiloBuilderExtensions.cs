using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Partisan.Grains;
using Orleans.Partisan.Hosting;
using Orleans.Partisan.Runtime;

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
        var silo = services.GetRequiredService<ILocalSiloDetails>();
        var options = services.GetRequiredService<IOptions<PartisanOptions>>().Value;
        return PartisanNodeFactory.Create(services, silo.SiloAddress.GetNodeName(), options.ListenAddress ?? silo.SiloAddress.Endpoint.Address, isClusterClient: false);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan;

/// <summary>Registers Plumtree broadcast handlers on a silo.</summary>
public static class PartisanBroadcastSiloBuilderExtensions
{
    /// <summary>
    /// Registers <typeparamref name="THandler"/> as a broadcast handler of this silo's overlay, so
    /// <see cref="IPartisan.BroadcastAsync{THandler}"/> reaches its activation on every silo. Register the
    /// same handlers, with the same names and channels, on every silo; call <c>AddPartisan</c> too.
    /// </summary>
    /// <typeparam name="THandler">The handler's grain interface; implement it with a grain class marked <see cref="SiloPinnedPlacementAttribute"/>.</typeparam>
    public static ISiloBuilder AddPartisanBroadcastHandler<THandler>(this ISiloBuilder builder, Action<BroadcastHandlerOptions>? configure = null)
        where THandler : IPartisanBroadcastHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new BroadcastHandlerOptions();
        configure?.Invoke(options);
        var name = options.Name ?? BroadcastHandlerOptions.DefaultName(typeof(THandler));
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"BroadcastHandlerOptions.Name of {typeof(THandler).FullName} must not be blank.", nameof(configure));
        }

        builder.Services.AddSingleton(new BroadcastHandlerRegistration(name, typeof(THandler), options.Channel ?? PartisanChannels.Default));
        return builder;
    }
}
